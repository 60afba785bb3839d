//! Hedged request: a second request after the delay, the first success wins, the loser is
//! cancelled.

use std::time::Duration;

use basics::ConfigError;
use basics::config::MAX_DURATION;
use errors_timeouts::{Attempt, hedge};
use testing::{FakeService, Script, Step};
use tokio::time::Instant;

fn replicas(primary: Step, hedge: Step) -> (FakeService, FakeService) {
    (
        FakeService::new("a", Script::new().then(primary)),
        FakeService::new("b", Script::new().then(hedge)),
    )
}

async fn run(
    a: &FakeService,
    b: &FakeService,
    delay_ms: u64,
) -> (
    Result<errors_timeouts::Hedged<String>, testing::FakeError>,
    Duration,
) {
    let start = Instant::now();
    let outcome = hedge(Duration::from_millis(delay_ms), |attempt| match attempt {
        Attempt::Primary => a.call(),
        Attempt::Hedge => b.call(),
    })
    .expect("a valid delay")
    .await;
    (outcome, start.elapsed())
}

#[tokio::test(start_paused = true)]
async fn a_slow_primary_loses_to_the_hedge_and_is_cancelled() {
    let (a, b) = replicas(
        Step::ok_after(Duration::from_secs(2)),
        Step::ok_after(Duration::from_millis(100)),
    );
    let (outcome, elapsed) = run(&a, &b, 300).await;
    let answer = outcome.expect("the hedge succeeds");
    assert_eq!((answer.winner, answer.hedged), (Attempt::Hedge, true));
    assert_eq!(elapsed, Duration::from_millis(400));
    assert_eq!(a.stats().cancelled, 1, "the loser was cancelled");
}

#[tokio::test(start_paused = true)]
async fn a_fast_primary_sends_no_hedge() {
    let (a, b) = replicas(Step::ok_after(Duration::from_millis(200)), Step::ok());
    let (outcome, elapsed) = run(&a, &b, 300).await;
    let answer = outcome.expect("the primary succeeds");
    assert_eq!((answer.winner, answer.hedged), (Attempt::Primary, false));
    assert_eq!(elapsed, Duration::from_millis(200));
    assert_eq!(b.stats().started, 0);
}

#[tokio::test(start_paused = true)]
async fn a_failed_hedge_leaves_the_primary_to_finish() {
    let (a, b) = replicas(
        Step::ok_after(Duration::from_secs(1)),
        Step::fail_after(Duration::from_millis(100)),
    );
    let (outcome, elapsed) = run(&a, &b, 300).await;
    assert_eq!(
        outcome.expect("the primary succeeds").winner,
        Attempt::Primary
    );
    assert_eq!(elapsed, Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn a_primary_failing_early_hedges_at_once() {
    let (a, b) = replicas(
        Step::fail_after(Duration::from_millis(50)),
        Step::ok_after(Duration::from_millis(100)),
    );
    let (outcome, elapsed) = run(&a, &b, 300).await;
    assert_eq!(outcome.expect("the hedge succeeds").winner, Attempt::Hedge);
    assert_eq!(elapsed, Duration::from_millis(150));
}

#[tokio::test(start_paused = true)]
async fn both_failing_returns_the_last_error() {
    let (a, b) = replicas(
        Step::fail_after(Duration::from_millis(500)),
        Step::fail_after(Duration::from_millis(100)),
    );
    let (outcome, elapsed) = run(&a, &b, 300).await;
    assert_eq!(outcome.unwrap_err().service, "a");
    assert_eq!(elapsed, Duration::from_millis(500));
}

#[tokio::test(start_paused = true)]
async fn a_zero_delay_starts_both_at_once() {
    let (a, b) = replicas(
        Step::ok_after(Duration::from_millis(300)),
        Step::ok_after(Duration::from_millis(100)),
    );
    let (outcome, elapsed) = run(&a, &b, 0).await;
    assert_eq!(outcome.expect("ok").winner, Attempt::Hedge);
    assert_eq!(elapsed, Duration::from_millis(100));
}

#[tokio::test(start_paused = true)]
async fn a_primary_winning_after_the_hedge_was_sent_cancels_the_hedge() {
    let (a, b) = replicas(
        Step::ok_after(Duration::from_millis(400)),
        Step::ok_after(Duration::from_secs(1)),
    );
    let (outcome, elapsed) = run(&a, &b, 300).await;
    let answer = outcome.expect("the primary succeeds");
    assert_eq!((answer.winner, answer.hedged), (Attempt::Primary, true));
    assert_eq!(elapsed, Duration::from_millis(400));
    assert_eq!(b.stats().started, 1, "the hedge was sent at +300 ms");
    assert_eq!(b.stats().cancelled, 1, "the losing hedge was cancelled");
}

#[tokio::test(start_paused = true)]
async fn a_delay_past_365_days_is_a_config_error_and_sends_nothing() {
    let (a, b) = replicas(Step::ok(), Step::ok());
    let refused = hedge(Duration::MAX, |_| a.call()).err();
    assert!(matches!(
        refused,
        Some(ConfigError::TooLong { name: "delay", .. })
    ));
    assert_eq!(a.stats().started, 0, "no request was sent");
    let start = Instant::now();
    let answer = hedge(MAX_DURATION, |_| b.call())
        .expect("365 days is a valid delay")
        .await
        .expect("the primary answers");
    assert_eq!((answer.winner, answer.hedged), (Attempt::Primary, false));
    assert_eq!(start.elapsed(), Duration::ZERO);
}
