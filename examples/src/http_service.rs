//! An HTTP service (axum) with a request timeout, load shedding, probes, health checks, clear
//! 4xx answers for bad input, and a graceful drain with a deadline.
//!
//! Every request is a job of a [`production::Shutdown`], so a drain waits for requests in flight
//! and cuts the ones still running at the drain deadline (they answer 503 and are counted). axum's
//! own `with_graceful_shutdown` waits for every open connection with no deadline (axum issue
//! 3003); here it only stops the listener, and [`Service::drain`] bounds the wait.
//!
//! The narrative (Python, pitfalls, in production) is the section *An HTTP service* of `docs/real-world.md`.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use concurrency_control::LoadShedder;
use production::{HealthChecks, Probes, Shutdown, ShutdownReport};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::timeout::TimeoutLayer;

use crate::support::{Counter, Gauge};

/// The service's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Past this, a request on the ordinary routes answers 408.
    pub request_timeout: Duration,
    /// The limit of `/export`, the one long route.
    pub export_timeout: Duration,
    /// Requests running at once on the work routes; the rest are shed with 503.
    pub max_in_flight: usize,
    /// The largest request body accepted, in bytes; a larger one answers 413.
    pub body_limit: usize,
    /// How long readiness fails before the listener stops (the load balancer's time to notice).
    pub pre_stop: Duration,
    /// How long a drain waits for requests in flight before cutting them.
    pub drain_deadline: Duration,
    /// The timeout of each readiness check.
    pub check_timeout: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            request_timeout: Duration::from_millis(200),
            export_timeout: Duration::from_secs(30),
            max_in_flight: 8,
            body_limit: 1024,
            pre_stop: Duration::from_millis(100),
            drain_deadline: Duration::from_millis(500),
            check_timeout: Duration::from_millis(50),
        }
    }
}

#[derive(Clone)]
struct AppState {
    shutdown: Shutdown,
    shedder: LoadShedder,
    checks: std::sync::Arc<HealthChecks>,
    in_flight: Gauge,
    shed: Counter,
}

/// A running service.
#[derive(Debug)]
pub struct Service {
    /// Where it listens (`127.0.0.1`, a free port).
    pub addr: SocketAddr,
    /// Requests being handled now (probes included), and the highest count seen.
    pub in_flight: Gauge,
    /// Requests answered 503 by the load shedder.
    pub shed: Counter,
    shutdown: Shutdown,
    pre_stop: Duration,
    server: JoinHandle<std::io::Result<()>>,
}

/// Starts the service on `127.0.0.1:0`.
///
/// # Errors
/// A bad configuration, or a port that cannot be bound.
pub async fn start(config: Config) -> anyhow::Result<Service> {
    let probes = Probes::new();
    let shutdown = Shutdown::new(config.drain_deadline, probes.clone())?;
    let checks = HealthChecks::new(config.check_timeout)?
        .required("db", || async { Ok::<(), String>(()) })
        // A cache that answers too slowly: it times out, and being optional it only degrades.
        .optional("cache", || async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            Ok::<(), String>(())
        });
    let state = AppState {
        shutdown: shutdown.clone(),
        shedder: LoadShedder::new(config.max_in_flight)?,
        checks: std::sync::Arc::new(checks),
        in_flight: Gauge::new(),
        shed: Counter::new(),
    };
    let app = router(state.clone(), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let token = shutdown.token();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(token.cancelled_owned())
            .await
    });
    probes.mark_started();
    Ok(Service {
        addr,
        in_flight: state.in_flight,
        shed: state.shed,
        shutdown,
        pre_stop: config.pre_stop,
        server,
    })
}

// ANCHOR: router
fn router(state: AppState, config: Config) -> Router {
    // Work routes: shed past `max_in_flight`, 408 past `request_timeout`, body at most
    // `body_limit` bytes.
    let work = Router::new()
        .route("/hello", get(|| async { "hello" }))
        .route("/slow", get(slow))
        .route("/echo", post(echo))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(middleware::map_response_with_state(
            config.request_timeout,
            timeout_message,
        ));
    let export = Router::new()
        .route("/export", get(slow))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.export_timeout,
        ));
    let work = work
        .merge(export)
        .layer(DefaultBodyLimit::max(config.body_limit))
        .route_layer(middleware::from_fn_with_state(state.clone(), shed));
    // Probes are never shed: a liveness probe failing under load would get the process
    // restarted for being busy.
    let probes = Router::new()
        .route("/livez", get(livez))
        .route("/startupz", get(startupz))
        .route("/readyz", get(readyz));
    work.merge(probes)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), as_job))
        .with_state(state)
}
// ANCHOR_END: router

// ANCHOR: as_job
/// Runs every request as a job of the service's [`Shutdown`]: a drain waits for it, and cuts it
/// at the drain deadline (the client then gets 503 and the report counts it as aborted).
async fn as_job(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (reply, replied) = oneshot::channel();
    let in_flight = state.in_flight.enter();
    let spawned = state.shutdown.spawn(move |_token| async move {
        let response = next.run(request).await;
        // The client may be gone; then nobody wants the response.
        let _ = reply.send(response);
    });
    let response = match spawned {
        Ok(_index) => match replied.await {
            Ok(response) => response,
            Err(_aborted) => error(
                StatusCode::SERVICE_UNAVAILABLE,
                "cut at the drain deadline: the service is shutting down",
            ),
        },
        Err(closed) => error(StatusCode::SERVICE_UNAVAILABLE, closed.to_string()),
    };
    drop(in_flight);
    response
}
// ANCHOR_END: as_job

/// tower-http's timeout answers 408 with an empty body: say what happened.
async fn timeout_message(State(limit): State<Duration>, response: Response) -> Response {
    if response.status() == StatusCode::REQUEST_TIMEOUT {
        return error(
            StatusCode::REQUEST_TIMEOUT,
            format!("request timed out after {} ms", limit.as_millis()),
        );
    }
    response
}

/// Sheds a request when every slot is busy: 503 at once, with `Retry-After`.
async fn shed(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match state.shedder.try_acquire() {
        Ok(permit) => {
            let response = next.run(request).await;
            drop(permit);
            response
        }
        Err(overloaded) => {
            state.shed.bump();
            let mut response = error(StatusCode::SERVICE_UNAVAILABLE, overloaded.to_string());
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            response
        }
    }
}

/// `{"error": message}` with `status`.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        Json(ErrorBody {
            error: message.into(),
        }),
    )
        .into_response()
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What was wrong, in a sentence.
    pub error: String,
}

#[derive(Debug, Deserialize)]
struct SlowQuery {
    ms: u64,
}

async fn slow(Query(query): Query<SlowQuery>) -> String {
    tokio::time::sleep(Duration::from_millis(query.ms)).await;
    format!("slept {} ms", query.ms)
}

/// What `POST /echo` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EchoIn {
    /// The text to echo.
    pub text: String,
}

/// What `POST /echo` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EchoOut {
    /// The text, upper-cased.
    pub echo: String,
}

// ANCHOR: echo
/// Bad JSON, a wrong content type, a body over the limit: axum's rejection already has the
/// right 4xx status and a clear message; answer with both instead of a bare status.
async fn echo(body: Result<Json<EchoIn>, JsonRejection>) -> Response {
    match body {
        Ok(Json(input)) => Json(EchoOut {
            echo: input.text.to_uppercase(),
        })
        .into_response(),
        Err(rejection) => error(rejection.status(), rejection.body_text()),
    }
}
// ANCHOR_END: echo

async fn not_found(method: Method, uri: Uri) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!("no route for {method} {}", uri.path()),
    )
}

async fn livez(State(state): State<AppState>) -> Response {
    probe(state.shutdown.probes().liveness())
}

async fn startupz(State(state): State<AppState>) -> Response {
    probe(state.shutdown.probes().startup())
}

fn probe(result: Result<(), production::ProbeFailed>) -> Response {
    match result {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(failed) => error(StatusCode::SERVICE_UNAVAILABLE, failed.to_string()),
    }
}

#[derive(Debug, Deserialize)]
struct ReadyQuery {
    verbose: Option<String>,
}

// ANCHOR: readyz
/// Readiness: 503 while draining; otherwise every check, each under its own timeout. With
/// `?verbose`, one line per check (`[+]name ok`, `[-]name timed out`).
async fn readyz(State(state): State<AppState>, Query(query): Query<ReadyQuery>) -> Response {
    if let Err(failed) = state.shutdown.probes().readiness() {
        return error(StatusCode::SERVICE_UNAVAILABLE, failed.to_string());
    }
    let report = state.checks.check().await;
    let status = StatusCode::from_u16(report.status.status_code())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if query.verbose.is_none() {
        return (status, report.status.to_string()).into_response();
    }
    let mut lines = Vec::new();
    for check in &report.checks {
        let outcome = match &check.outcome {
            production::CheckOutcome::Passed => "ok".to_owned(),
            production::CheckOutcome::Failed(message) => format!("failed: {message}"),
            production::CheckOutcome::TimedOut => "timed out".to_owned(),
            production::CheckOutcome::Panicked(message) => format!("panicked: {message}"),
        };
        let sign = if check.outcome == production::CheckOutcome::Passed {
            '+'
        } else {
            '-'
        };
        let kind = if check.required { "" } else { " (optional)" };
        lines.push(format!("[{sign}]{}{kind} {outcome}", check.name));
    }
    lines.push(format!("readyz: {}", report.status));
    (status, lines.join("\n")).into_response()
}
// ANCHOR_END: readyz

impl Service {
    /// Readiness starts failing now; the listener keeps answering (so a load balancer polling
    /// `/readyz` sees 503) until [`drain`](Service::drain) stops it.
    pub fn begin_draining(&self) -> bool {
        self.shutdown.probes().begin_draining()
    }

    // ANCHOR: drain
    /// The graceful drain: readiness fails at once, the listener keeps answering for the
    /// pre-stop delay, then stops; requests in flight get until the drain deadline, the rest
    /// are cut (503) and counted in the report. Waits at most one more second for the server
    /// task to finish writing the last responses.
    pub async fn drain(self) -> ShutdownReport {
        self.begin_draining();
        tokio::time::sleep(self.pre_stop).await;
        let report = self.shutdown.shutdown().await;
        crate::support::stop_within(self.server, Duration::from_secs(1)).await;
        report
    }
    // ANCHOR_END: drain
}

/// One request and its answer, as the scenario prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body, or the `error` of an error body.
    pub text: String,
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.text)
    }
}

/// Sends one request and reads the answer (an error body's message, or the body).
///
/// # Errors
/// A transport error (connection refused or reset).
pub async fn call(request: reqwest::RequestBuilder) -> Result<Answer, reqwest::Error> {
    let response = request.send().await?;
    let status = response.status().as_u16();
    let body = response.text().await?;
    let text = match serde_json::from_str::<ErrorBody>(&body) {
        Ok(error) => error.error,
        Err(_) => body,
    };
    Ok(Answer { status, text })
}

/// The scenario `cargo run --example http_service` plays, written to `t`.
///
/// # Errors
/// When the service cannot start or a request fails at the transport level.
pub async fn scenario(t: &testing::Transcript) -> anyhow::Result<()> {
    let config = Config::default();
    let service = start(config).await?;
    let base = format!("http://{}", service.addr);
    let client = reqwest::Client::new();
    t.raw(format!(
        "service on 127.0.0.1: request timeout {} ms, at most {} requests in flight, bodies up to {} bytes",
        config.request_timeout.as_millis(),
        config.max_in_flight,
        config.body_limit
    ));

    t.raw("-- routes");
    let requests = [
        ("GET /hello", client.get(format!("{base}/hello"))),
        (
            "GET /slow?ms=1000",
            client.get(format!("{base}/slow?ms=1000")),
        ),
        (
            "POST /echo {\"text\":\"hi\"}",
            client
                .post(format!("{base}/echo"))
                .json(&EchoIn { text: "hi".into() }),
        ),
    ];
    for (label, request) in requests {
        t.raw(format!("{label} -> {}", call(request).await?));
    }

    t.raw("-- bad input: a 4xx with a message, never a 500");
    let json = |body: &str| {
        client
            .post(format!("{base}/echo"))
            .header("content-type", "application/json")
            .body(body.to_owned())
    };
    let bad = [
        ("POST /echo {\"text\":", json("{\"text\":")),
        ("POST /echo {\"txt\":\"hi\"}", json("{\"txt\":\"hi\"}")),
        (
            "POST /echo as text/plain",
            client.post(format!("{base}/echo")).body("hi"),
        ),
        (
            "POST /echo with a 2000-byte body",
            json(&format!("{{\"text\":\"{}\"}}", "x".repeat(2000))),
        ),
        ("GET /nope", client.get(format!("{base}/nope"))),
    ];
    for (label, request) in bad {
        t.raw(format!("{label} -> {}", call(request).await?));
    }

    t.raw("-- load: 20 requests at once to GET /slow?ms=150");
    let burst = (0..20).map(|_| call(client.get(format!("{base}/slow?ms=150"))));
    let answers = futures::future::join_all(burst).await;
    let ok = answers
        .iter()
        .filter(|a| matches!(a, Ok(a) if a.status == 200))
        .count();
    let shed = answers
        .iter()
        .filter(|a| matches!(a, Ok(a) if a.status == 503))
        .count();
    t.raw(format!(
        "{ok} served, {shed} shed with 503 (\"overloaded: all 8 slots busy\", Retry-After: 1)"
    ));

    t.raw("-- probes");
    for path in ["/livez", "/startupz", "/readyz", "/readyz?verbose"] {
        let answer = call(client.get(format!("{base}{path}"))).await?;
        t.raw(format!("GET {path} -> {}", answer.status));
        for line in answer.text.lines() {
            t.raw(format!("  {line}"));
        }
    }

    t.raw("-- drain: 3 short requests and one 10 s request in flight");
    let short: Vec<_> = (0..3)
        .map(|_| tokio::spawn(call(client.get(format!("{base}/export?ms=300")))))
        .collect();
    let long = tokio::spawn(call(client.get(format!("{base}/export?ms=10000"))));
    while service.in_flight.now() < 4 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    service.begin_draining();
    let ready = call(client.get(format!("{base}/readyz"))).await?;
    t.raw(format!("GET /readyz while draining -> {ready}"));
    let report = service.drain().await;
    let mut completed = 0;
    for request in short {
        if matches!(request.await?, Ok(answer) if answer.status == 200) {
            completed += 1;
        }
    }
    t.raw(format!("short requests completed: {completed} of 3"));
    t.raw(format!("GET /export?ms=10000 -> {}", long.await??));
    t.raw(format!(
        "drain report: {} cut at the {} ms drain deadline, {} panicked",
        report.aborted.len(),
        config.drain_deadline.as_millis(),
        report.panicked
    ));
    Ok(())
}
