//! Deadline scope: several steps share one budget; a step after the deadline fails at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use basics::ConfigError;
use basics::config::MAX_DURATION;
use errors_timeouts::{Deadline, DeadlineError};
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn steps_share_one_budget() {
    let start = Instant::now();
    let deadline = Deadline::after(Duration::from_secs(5)).expect("a 5 s budget");
    assert_eq!(deadline.run(sleep(Duration::from_secs(2))).await, Ok(()));
    assert_eq!(deadline.remaining(), Duration::from_secs(3));
    // A 4 s step gets the 3 s left, not 4 s of its own.
    assert_eq!(
        deadline.run(sleep(Duration::from_secs(4))).await,
        Err(DeadlineError::Exceeded)
    );
    assert_eq!(start.elapsed(), Duration::from_secs(5));
    assert!(deadline.is_expired());
}

#[tokio::test(start_paused = true)]
async fn a_step_after_the_deadline_fails_at_once_without_running() {
    let deadline = Deadline::after(Duration::from_secs(1)).expect("a 1 s budget");
    sleep(Duration::from_secs(2)).await;
    static RAN: AtomicBool = AtomicBool::new(false);
    let start = Instant::now();
    let outcome = deadline
        .run(async { RAN.store(true, Ordering::SeqCst) })
        .await;
    assert_eq!(outcome, Err(DeadlineError::Expired));
    assert_eq!(start.elapsed(), Duration::ZERO);
    assert!(!RAN.load(Ordering::SeqCst), "the step was never polled");
    assert_eq!(deadline.remaining(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_zero_or_too_long_budget_is_a_config_error() {
    assert_eq!(
        Deadline::after(Duration::ZERO),
        Err(ConfigError::Zero { name: "budget" })
    );
    assert!(matches!(
        Deadline::after(Duration::MAX),
        Err(ConfigError::TooLong { name: "budget", .. })
    ));
    let longest = Deadline::after(MAX_DURATION).expect("365 days is accepted");
    assert_eq!(longest.remaining(), MAX_DURATION);
    assert_eq!(longest.run(sleep(Duration::from_secs(60))).await, Ok(()));
}

#[tokio::test(start_paused = true)]
async fn a_deadline_already_past_fails_its_first_step_at_once() {
    // A past instant is not bad configuration (it may come from a request that waited in a
    // queue): it is a spent budget, and each step says so at run time.
    let past = Instant::now();
    sleep(Duration::from_millis(1)).await;
    let deadline = Deadline::at(past);
    assert!(deadline.is_expired());
    assert_eq!(deadline.run(async { 1 }).await, Err(DeadlineError::Expired));
    let future = Instant::now() + Duration::from_secs(1);
    assert_eq!(Deadline::at(future).instant(), future);
}
