//! Lifespan on the paused clock: start in order, roll back in reverse on a failure, tear down
//! in reverse with a timeout per step, and the faults (empty lifespan, hanging or panicking
//! teardown, panicking start, signal during startup).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use basics::ConfigError;
use production::conformance::{self, Event, ReferenceConfig, Script};
use production::{Lifespan, Signal, StepError};
use testing::ms;
use tokio::time::{Instant, sleep};

type Order = Arc<Mutex<Vec<String>>>;

async fn start_step(
    lifespan: &mut Lifespan,
    order: &Order,
    name: &'static str,
    fails: bool,
    stop_takes: Duration,
) -> Result<&'static str, production::StartFailed> {
    let started = Arc::clone(order);
    let stopped = Arc::clone(order);
    lifespan
        .start(
            name,
            async move {
                sleep(ms(100)).await;
                if fails {
                    return Err(format!("{name} refused"));
                }
                started.lock().unwrap().push(format!("start {name}"));
                Ok(name)
            },
            move |name| async move {
                sleep(stop_takes).await;
                stopped.lock().unwrap().push(format!("stop {name}"));
                Ok::<(), String>(())
            },
        )
        .await
}

#[test]
fn a_zero_teardown_timeout_is_refused() {
    assert_eq!(
        Lifespan::new(Duration::ZERO).unwrap_err(),
        ConfigError::Zero {
            name: "teardown_timeout"
        }
    );
}

#[tokio::test(start_paused = true)]
async fn an_empty_lifespan_shuts_down_at_once() {
    let lifespan = Lifespan::new(ms(1000)).unwrap();
    assert!(lifespan.started().is_empty());
    let start = Instant::now();
    assert!(lifespan.shutdown().await.is_ok());
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn steps_start_in_order_and_stop_in_reverse() {
    let order = Order::default();
    let mut lifespan = Lifespan::new(ms(1000)).unwrap();
    for name in ["db", "cache", "http"] {
        start_step(&mut lifespan, &order, name, false, ms(10))
            .await
            .unwrap();
    }
    assert_eq!(lifespan.started(), ["db", "cache", "http"]);
    let start = Instant::now();
    lifespan.shutdown().await.unwrap();
    assert_eq!(start.elapsed(), ms(30));
    assert_eq!(
        *order.lock().unwrap(),
        [
            "start db",
            "start cache",
            "start http",
            "stop http",
            "stop cache",
            "stop db"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_failure_at_step_three_tears_down_two_then_one_and_returns_its_error() {
    let order = Order::default();
    let mut lifespan = Lifespan::new(ms(1000)).unwrap();
    start_step(&mut lifespan, &order, "db", false, ms(10))
        .await
        .unwrap();
    start_step(&mut lifespan, &order, "cache", false, ms(10))
        .await
        .unwrap();
    let failed = start_step(&mut lifespan, &order, "http", true, ms(10))
        .await
        .unwrap_err();
    assert_eq!(failed.index, 2);
    assert!(matches!(
        failed.error,
        StepError::Failed { step: "http", .. }
    ));
    assert_eq!(failed.error.to_string(), "http failed: http refused");
    assert!(failed.rollback.is_ok());
    assert_eq!(
        *order.lock().unwrap(),
        ["start db", "start cache", "stop cache", "stop db"]
    );
    assert!(lifespan.started().is_empty(), "nothing left to tear down");
}

#[tokio::test(start_paused = true)]
async fn a_hanging_teardown_times_out_and_the_next_step_is_still_attempted() {
    let order = Order::default();
    let mut lifespan = Lifespan::new(ms(500)).unwrap();
    start_step(&mut lifespan, &order, "db", false, ms(10))
        .await
        .unwrap();
    start_step(
        &mut lifespan,
        &order,
        "cache",
        false,
        Duration::from_secs(3600),
    )
    .await
    .unwrap();
    let start = Instant::now();
    let failed = lifespan.shutdown().await.unwrap_err();
    assert_eq!(
        start.elapsed(),
        ms(510),
        "500 ms for the cache's timeout, then 10 ms for db"
    );
    assert!(
        matches!(failed.first, StepError::TimedOut { step: "cache", limit } if limit == ms(500))
    );
    assert!(failed.others.is_empty());
    assert_eq!(order.lock().unwrap().last().unwrap(), "stop db");
}

async fn teardown_panics() -> Result<(), String> {
    tokio::task::yield_now().await;
    panic!("teardown bug")
}

async fn start_panics() -> Result<(), String> {
    tokio::task::yield_now().await;
    panic!("start bug")
}

#[tokio::test(start_paused = true)]
async fn a_panicking_start_or_teardown_is_a_step_error() {
    let _quiet = testing::QuietPanics::new();
    let mut lifespan = Lifespan::new(ms(500)).unwrap();
    lifespan
        .start("db", async { Ok::<_, String>(()) }, |()| teardown_panics())
        .await
        .unwrap();
    let failed = lifespan
        .start("cache", start_panics(), |()| async { Ok::<(), String>(()) })
        .await
        .unwrap_err();
    let StepError::Panicked {
        step: "cache",
        payload,
    } = &failed.error
    else {
        panic!("a panic: {failed:?}");
    };
    assert_eq!(payload.message(), Some("start bug"));
    let rollback = failed.rollback.unwrap_err();
    assert!(matches!(
        rollback.first,
        StepError::Panicked { step: "db", .. }
    ));
}

#[tokio::test(start_paused = true)]
async fn a_signal_during_startup_tears_down_what_started_and_never_serves() {
    let config = ReferenceConfig::slow_startup();
    let script = Script::new()
        .signal(ms(150), Signal::Terminate)
        .probe(ms(200));
    let record = conformance::run(script, |ctx| conformance::reference_service(config, ctx)).await;
    let lines: Vec<String> = record.lines();
    assert_eq!(
        lines,
        [
            "[+0.100s] started db pool",
            "[+0.150s] harness sends SIGTERM",
            "[+0.150s] startup interrupted by a stop request",
            "[+0.150s] stopped db pool",
            "[+0.150s] phase: stopped",
            "[+0.200s] probes: startup pass, liveness pass, readiness fail",
            "[+0.200s] exited with code 0",
        ]
    );
    assert!(record.position(|e| *e == Event::Ready).is_none());
}
