//! Timeout on the paused clock: a typed error at exactly the limit.

use std::time::Duration;

use basics::ConfigError;
use basics::config::MAX_DURATION;
use errors_timeouts::{TimedOut, timeout};
use testing::{FakeService, Script, Step};
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn a_five_second_operation_under_two_seconds_fails_at_two_seconds() {
    let slow = FakeService::new(
        "slow",
        Script::new().then(Step::ok_after(Duration::from_secs(5))),
    );
    let start = Instant::now();
    let outcome = timeout(Duration::from_secs(2), slow.call())
        .expect("a valid limit")
        .await;
    assert_eq!(
        outcome,
        Err(TimedOut {
            limit: Duration::from_secs(2)
        })
    );
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert_eq!(slow.stats().cancelled, 1, "the operation was dropped");
    assert_eq!(
        outcome.unwrap_err().to_string(),
        "operation timed out after 2s"
    );
}

#[tokio::test(start_paused = true)]
async fn a_fast_operation_returns_its_value() {
    let start = Instant::now();
    let value = timeout(Duration::from_secs(2), async {
        sleep(Duration::from_secs(1)).await;
        7
    })
    .expect("a valid limit")
    .await;
    assert_eq!(value, Ok(7));
    assert_eq!(start.elapsed(), Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn a_zero_limit_lets_a_ready_operation_through() {
    let ready = timeout(Duration::ZERO, async { 1 }).expect("zero is a valid limit");
    assert_eq!(ready.await, Ok(1));
    let start = Instant::now();
    let pending = timeout(Duration::ZERO, sleep(Duration::from_millis(1)))
        .expect("zero is a valid limit")
        .await;
    assert_eq!(
        pending,
        Err(TimedOut {
            limit: Duration::ZERO
        })
    );
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_limit_past_365_days_is_a_config_error() {
    let error =
        timeout(Duration::MAX, std::future::ready(1)).expect_err("Duration::MAX is refused");
    assert!(matches!(error, ConfigError::TooLong { name: "limit", .. }));
    let longest = timeout(MAX_DURATION, sleep(Duration::from_secs(1))).expect("365 days is valid");
    assert_eq!(longest.await, Ok(()));
}
