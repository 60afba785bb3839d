//! The HTTP service's table rows, on 127.0.0.1 and the real clock; the SIGTERM row sends a real
//! signal to the real example binary.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

use real_world::http_service::{self, Answer, Config, EchoIn, call};

const BOUND: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_route_past_the_timeout_answers_408_with_a_message() {
    let service = http_service::start(Config::default()).await.unwrap();
    let client = reqwest::Client::new();
    let answer = call(client.get(format!("http://{}/slow?ms=1000", service.addr)))
        .await
        .unwrap();
    assert_eq!(answer.status, 408);
    assert_eq!(answer.text, "request timed out after 200 ms");
    let hello = call(client.get(format!("http://{}/hello", service.addr)))
        .await
        .unwrap();
    assert_eq!(
        hello,
        Answer {
            status: 200,
            text: "hello".into()
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_past_the_limit_is_shed_with_503() {
    let service = http_service::start(Config::default()).await.unwrap();
    let client = reqwest::Client::new();
    let burst = (0..20).map(|_| call(client.get(format!("http://{}/slow?ms=150", service.addr))));
    let answers = tokio::time::timeout(BOUND, futures::future::join_all(burst))
        .await
        .unwrap();
    let statuses: Vec<u16> = answers.into_iter().map(|a| a.unwrap().status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 8);
    assert_eq!(statuses.iter().filter(|s| **s == 503).count(), 12);
    assert_eq!(service.shed.get(), 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_answer_and_readiness_fails_during_the_drain() {
    let service = http_service::start(Config::default()).await.unwrap();
    let base = format!("http://{}", service.addr);
    let client = reqwest::Client::new();
    for path in ["/livez", "/startupz", "/readyz"] {
        let answer = call(client.get(format!("{base}{path}"))).await.unwrap();
        assert_eq!(answer.status, 200, "{path}");
    }
    let verbose = call(client.get(format!("{base}/readyz?verbose")))
        .await
        .unwrap();
    // Each check has its own 50 ms timeout: the 500 ms cache check times out, optional, so
    // the service is degraded but ready.
    assert_eq!(verbose.status, 200);
    assert_eq!(
        verbose.text,
        "[+]db ok\n[-]cache (optional) timed out\nreadyz: degraded"
    );
    service.begin_draining();
    let ready = call(client.get(format!("{base}/readyz"))).await.unwrap();
    assert_eq!(ready.status, 503);
    assert_eq!(ready.text, "readiness probe fails: service is draining");
    let live = call(client.get(format!("{base}/livez"))).await.unwrap();
    assert_eq!(live.status, 200, "liveness never fails");
    let report = service.drain().await;
    assert!(report.aborted.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_4xx_with_a_clear_message_never_a_500() {
    let service = http_service::start(Config::default()).await.unwrap();
    let base = format!("http://{}", service.addr);
    let client = reqwest::Client::new();
    let json = |body: String| {
        client
            .post(format!("{base}/echo"))
            .header("content-type", "application/json")
            .body(body)
    };
    let cases = [
        (
            json("{\"text\":".into()),
            400,
            "Failed to parse the request body as JSON",
        ),
        (json("{\"txt\":\"hi\"}".into()), 422, "missing field `text`"),
        (
            client.post(format!("{base}/echo")).body("hi"),
            415,
            "Content-Type: application/json",
        ),
        (
            json(format!("{{\"text\":\"{}\"}}", "x".repeat(2000))),
            413,
            "length limit exceeded",
        ),
        (
            client.get(format!("{base}/nope")),
            404,
            "no route for GET /nope",
        ),
    ];
    for (request, status, message) in cases {
        let answer = call(request).await.unwrap();
        assert_eq!(answer.status, status, "{answer}");
        assert!(answer.text.contains(message), "{answer}");
    }
    let ok = call(
        client
            .post(format!("{base}/echo"))
            .json(&EchoIn { text: "hi".into() }),
    )
    .await
    .unwrap();
    assert_eq!(ok.text, "{\"echo\":\"HI\"}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_3000_requests_nothing_lost_memory_bounded() {
    let service = http_service::start(Config::default()).await.unwrap();
    let client = reqwest::Client::new();
    let limit = concurrency_control::BoundedMap::new(8).unwrap();
    let before = common::rss();
    let answers = tokio::time::timeout(
        BOUND,
        limit.unordered(0..3000, |_| {
            call(client.get(format!("http://{}/hello", service.addr)))
        }),
    )
    .await
    .unwrap();
    assert_eq!(
        answers
            .iter()
            .filter(|a| matches!(a, Ok(a) if a.status == 200))
            .count(),
        3000
    );
    assert_eq!(service.shed.get(), 0, "8 at once is within the limit");
    let growth = common::rss().saturating_sub(before);
    assert!(growth < 64 << 20, "memory grew by {growth} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_resets_mid_body_leaves_the_service_serving() {
    use tokio::io::AsyncWriteExt;
    let service = http_service::start(Config::default()).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(service.addr).await.unwrap();
    stream
        .write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"text\":")
        .await
        .unwrap();
    drop(stream);
    let client = reqwest::Client::new();
    let answer = call(client.get(format!("http://{}/hello", service.addr)))
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    let report = tokio::time::timeout(BOUND, service.drain()).await.unwrap();
    assert_eq!(report.panicked, 0);
}

/// SIGTERM to the real binary: short requests complete, a 10 s request is cut at the drain
/// deadline and counted. The binary is the built example (see `common::example_binary`),
/// started with `--serve`; the signal is sent with the `kill` command.
#[test]
fn sigterm_drains_short_requests_and_cuts_the_long_one() {
    let mut child = Command::new(common::example_binary("http_service"))
        .arg("--serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("readiness line: {line:?}"))
        .to_owned();
    let pid = child.id().to_string();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (short, long) = runtime.block_on(async {
        let client = reqwest::Client::new();
        let short: Vec<_> = (0..3)
            .map(|_| tokio::spawn(call(client.get(format!("http://{addr}/export?ms=300")))))
            .collect();
        let long = tokio::spawn(call(client.get(format!("http://{addr}/export?ms=10000"))));
        // Give the four requests 50 ms to reach the service (a few milliseconds on loopback);
        // they run for 300 ms and 10 s, so they are in flight when the signal arrives.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let status = tokio::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("the kill command exists");
        assert!(status.success());
        // Readiness fails during the drain's pre-stop window, while the listener still answers.
        let mut saw_503 = false;
        for _ in 0..50 {
            match call(client.get(format!("http://{addr}/readyz"))).await {
                Ok(answer) if answer.status == 503 => {
                    saw_503 = true;
                    break;
                }
                Ok(_) => tokio::time::sleep(Duration::from_millis(2)).await,
                Err(_) => break,
            }
        }
        assert!(saw_503, "readiness answered 503 during the drain");
        let mut short_answers = Vec::new();
        for request in short {
            short_answers.push(request.await.unwrap().unwrap());
        }
        (short_answers, long.await.unwrap())
    });
    for answer in &short {
        assert_eq!(answer.status, 200, "{answer}");
    }
    let long = long.unwrap();
    assert_eq!(long.status, 503);
    assert_eq!(
        long.text,
        "cut at the drain deadline: the service is shutting down"
    );
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(rest.contains("received SIGTERM: draining"), "{rest}");
    assert!(
        rest.contains("1 cut at the drain deadline, 0 panicked"),
        "{rest}"
    );
}

#[test]
fn the_example_runs_under_3_s_and_prints_its_transcript() {
    common::assert_runs_under_3s_and_matches_its_transcript("http_service");
}
