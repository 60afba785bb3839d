//! Circuit breaker on the paused clock: every transition, bad settings, cancellation, and a
//! proptest that nothing is admitted while open (★ defect 10: the clock is tokio's).

use std::time::Duration;

use basics::ConfigError;
use basics::config::{MAX_CAPACITY, MAX_DURATION};
use errors_timeouts::{BreakerConfig, BreakerError, BreakerState, CircuitBreaker};
use proptest::prelude::*;
use tokio::time::{Instant, advance, sleep};

fn breaker(threshold: usize, open_secs: u64, probes: usize) -> CircuitBreaker {
    CircuitBreaker::new(BreakerConfig {
        failure_threshold: threshold,
        open_for: Duration::from_secs(open_secs),
        half_open_probes: probes,
    })
    .expect("valid config")
}

async fn fail(b: &CircuitBreaker) -> Result<(), BreakerError<&'static str>> {
    b.call(async { Err("down") }).await
}

async fn succeed(b: &CircuitBreaker) -> Result<(), BreakerError<&'static str>> {
    b.call(async { Ok(()) }).await
}

#[tokio::test(start_paused = true)]
async fn closed_to_open_after_the_threshold_of_consecutive_failures() {
    let b = breaker(5, 30, 1);
    for _ in 0..4 {
        assert_eq!(fail(&b).await, Err(BreakerError::Failed("down")));
    }
    assert_eq!(b.state(), BreakerState::Closed);
    assert_eq!(fail(&b).await, Err(BreakerError::Failed("down")));
    assert_eq!(b.state(), BreakerState::Open);
}

#[tokio::test(start_paused = true)]
async fn a_success_resets_the_failure_count() {
    let b = breaker(3, 30, 1);
    fail(&b).await.unwrap_err();
    fail(&b).await.unwrap_err();
    succeed(&b).await.expect("closed");
    fail(&b).await.unwrap_err();
    fail(&b).await.unwrap_err();
    assert_eq!(
        b.state(),
        BreakerState::Closed,
        "only 2 in a row since the success"
    );
}

#[tokio::test(start_paused = true)]
async fn open_rejects_without_calling_until_the_open_duration_has_passed() {
    let b = breaker(1, 30, 1);
    fail(&b).await.unwrap_err();
    advance(Duration::from_secs(10)).await;
    let mut called = false;
    let rejected = b
        .call(async {
            called = true;
            Ok::<_, ()>(())
        })
        .await;
    assert_eq!(
        rejected,
        Err(BreakerError::Open {
            retry_in: Duration::from_secs(20)
        })
    );
    assert!(!called, "the call was never made");
    advance(Duration::from_millis(19_999)).await;
    assert_eq!(
        b.state(),
        BreakerState::Open,
        "1 ms before the end it is still open"
    );
    advance(Duration::from_millis(1)).await;
    assert_eq!(b.state(), BreakerState::HalfOpen);
}

#[tokio::test(start_paused = true)]
async fn half_open_to_closed_after_a_successful_probe() {
    let b = breaker(1, 30, 1);
    fail(&b).await.unwrap_err();
    advance(Duration::from_secs(30)).await;
    succeed(&b).await.expect("the probe is admitted");
    assert_eq!(b.state(), BreakerState::Closed);
}

#[tokio::test(start_paused = true)]
async fn half_open_to_open_again_after_a_failed_probe() {
    let b = breaker(1, 30, 1);
    fail(&b).await.unwrap_err();
    advance(Duration::from_secs(30)).await;
    assert_eq!(fail(&b).await, Err(BreakerError::Failed("down")));
    assert_eq!(b.state(), BreakerState::Open);
    let start = Instant::now();
    assert!(matches!(succeed(&b).await, Err(BreakerError::Open { .. })));
    advance(Duration::from_secs(30)).await;
    succeed(&b).await.expect("a new open period ended");
    assert_eq!(start.elapsed(), Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn half_open_admits_at_most_the_probe_limit_and_needs_that_many_successes() {
    let b = breaker(1, 30, 2);
    fail(&b).await.unwrap_err();
    advance(Duration::from_secs(30)).await;
    let slow_probe = || {
        b.call(async {
            sleep(Duration::from_secs(1)).await;
            Ok::<_, ()>(())
        })
    };
    let (first, second, third) = tokio::join!(slow_probe(), slow_probe(), async {
        // Polled after the two probes took both slots.
        b.call(async { Ok::<_, ()>(()) }).await
    });
    assert_eq!((first, second), (Ok(()), Ok(())));
    assert_eq!(
        third,
        Err(BreakerError::Open {
            retry_in: Duration::ZERO
        })
    );
    assert_eq!(
        b.state(),
        BreakerState::Closed,
        "two successful probes close it"
    );
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_probe_gives_its_slot_back() {
    let b = breaker(1, 30, 1);
    fail(&b).await.unwrap_err();
    advance(Duration::from_secs(30)).await;
    let probe = b.call(async {
        sleep(Duration::from_secs(10)).await;
        Ok::<_, ()>(())
    });
    assert!(
        tokio::time::timeout(Duration::from_secs(1), probe)
            .await
            .is_err()
    );
    assert_eq!(
        b.state(),
        BreakerState::HalfOpen,
        "a cancellation is not an outcome"
    );
    succeed(&b).await.expect("the slot was given back");
    assert_eq!(b.state(), BreakerState::Closed);
}

#[tokio::test(start_paused = true)]
async fn the_longest_open_duration_keeps_it_open_for_365_days() {
    let b = CircuitBreaker::new(BreakerConfig {
        failure_threshold: 1,
        open_for: MAX_DURATION,
        half_open_probes: 1,
    })
    .expect("365 days is valid");
    assert_eq!(fail(&b).await, Err(BreakerError::Failed("down")));
    advance(MAX_DURATION - Duration::from_secs(1)).await;
    assert_eq!(b.state(), BreakerState::Open);
    assert!(matches!(succeed(&b).await, Err(BreakerError::Open { .. })));
    advance(Duration::from_secs(1)).await;
    assert_eq!(b.state(), BreakerState::HalfOpen);
}

#[test]
fn zero_huge_and_too_long_settings_are_config_errors() {
    let config = |threshold, open_for, probes| BreakerConfig {
        failure_threshold: threshold,
        open_for,
        half_open_probes: probes,
    };
    let secs = Duration::from_secs;
    let refused = |c| CircuitBreaker::new(c).expect_err("refused");
    assert_eq!(
        refused(config(0, secs(30), 1)),
        ConfigError::Zero {
            name: "failure_threshold"
        }
    );
    assert_eq!(
        refused(config(usize::MAX, secs(30), 1)),
        ConfigError::TooLarge {
            name: "failure_threshold",
            value: usize::MAX,
            max: MAX_CAPACITY
        }
    );
    assert_eq!(
        refused(config(5, Duration::ZERO, 1)),
        ConfigError::Zero { name: "open_for" }
    );
    assert!(matches!(
        refused(config(5, Duration::MAX, 1)),
        ConfigError::TooLong {
            name: "open_for",
            ..
        }
    ));
    assert_eq!(
        refused(config(5, secs(30), 0)),
        ConfigError::Zero {
            name: "half_open_probes"
        }
    );
    assert!(matches!(
        refused(config(5, secs(30), usize::MAX)),
        ConfigError::TooLarge {
            name: "half_open_probes",
            ..
        }
    ));
    assert!(CircuitBreaker::new(BreakerConfig::default()).is_ok());
}

proptest! {
    /// Whatever the sequence of outcomes and gaps, no call is admitted while the breaker is open
    /// before `open_for` has passed since it opened.
    #[test]
    fn no_call_is_admitted_while_open_before_the_open_duration(
        events in proptest::collection::vec((0u64..20_000, any::<bool>()), 1..60),
        threshold in 1usize..4,
        open_ms in 1u64..10_000,
        probes in 1usize..3,
    ) {
        let runtime = testing::paused_runtime();
        runtime.block_on(async {
            let open_for = Duration::from_millis(open_ms);
            let b = CircuitBreaker::new(BreakerConfig { failure_threshold: threshold, open_for, half_open_probes: probes })
                .expect("valid");
            let mut opened_at: Option<Instant> = None;
            for (gap_ms, ok) in events {
                advance(Duration::from_millis(gap_ms % (open_ms * 2))).await;
                let now = Instant::now();
                let mut admitted = false;
                let outcome = b.call(async { admitted = true; if ok { Ok(()) } else { Err(()) } }).await;
                if let Some(at) = opened_at {
                    prop_assert!(!admitted || now >= at + open_for, "admitted {:?} after opening", now - at);
                }
                prop_assert_eq!(admitted, !matches!(outcome, Err(BreakerError::Open { .. })));
                match b.state() {
                    // Time did not move during the call, so a fresh open started now.
                    BreakerState::Open if admitted => opened_at = Some(now),
                    BreakerState::Closed => opened_at = None,
                    _ => {}
                }
            }
            Ok(())
        })?;
    }
}

#[tokio::test(start_paused = true)]
async fn a_late_probe_from_an_earlier_half_open_period_does_not_count() {
    let b = breaker(1, 30, 2);
    fail(&b).await.unwrap_err();
    advance(Duration::from_secs(30)).await;
    // Two probes: a slow success and a quick failure that reopens the breaker.
    let slow = b.call(async {
        sleep(Duration::from_secs(40)).await;
        Ok::<_, &str>(())
    });
    let quick = async {
        sleep(Duration::from_secs(1)).await;
        fail(&b).await
    };
    let late_probe = async {
        // The quick probe reopened the breaker 1 s into the first half-open period; 30 s later
        // it half-opens again and this probe runs while the slow probe of the first period
        // succeeds (40 s after it started). Counted, that stale success would close the breaker
        // when this probe succeeds.
        sleep(Duration::from_secs(31)).await;
        b.call(async {
            sleep(Duration::from_secs(20)).await;
            Ok::<_, &str>(())
        })
        .await
    };
    let (slow, quick, _) = tokio::join!(slow, quick, async {
        let out = late_probe.await;
        assert_eq!(out, Ok(()));
    });
    assert_eq!(slow, Ok(()));
    assert_eq!(quick, Err(BreakerError::Failed("down")));
    // Only one success of the current period (2 are needed): still half-open.
    assert_eq!(b.state(), BreakerState::HalfOpen);
}
