//! Timeout on the paused clock: a typed error at exactly the limit.

use std::time::Duration;

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
    let outcome = timeout(Duration::from_secs(2), slow.call()).await;
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
    .await;
    assert_eq!(value, Ok(7));
    assert_eq!(start.elapsed(), Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn a_zero_limit_lets_a_ready_operation_through() {
    assert_eq!(timeout(Duration::ZERO, async { 1 }).await, Ok(1));
    let start = Instant::now();
    let pending = timeout(Duration::ZERO, sleep(Duration::from_millis(1))).await;
    assert_eq!(
        pending,
        Err(TimedOut {
            limit: Duration::ZERO
        })
    );
    assert_eq!(start.elapsed(), Duration::ZERO);
}
