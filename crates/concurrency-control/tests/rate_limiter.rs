//! The rate limiter on the paused clock: bursts, spacing, refusals, bad input, and the
//! property that no window admits more than `rate · T + burst`.

use std::time::Duration;

use basics::ConfigError;
use concurrency_control::{RateLimited, RateLimiter};
use proptest::prelude::*;
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn a_burst_goes_at_once_then_one_per_interval() {
    let limiter = RateLimiter::per_second(10, 3).expect("valid");
    let start = Instant::now();
    let mut admitted = Vec::new();
    for _ in 0..6 {
        limiter.acquire().await;
        admitted.push(start.elapsed().as_millis());
    }
    assert_eq!(admitted, [0, 0, 0, 100, 200, 300]);
}

#[tokio::test(start_paused = true)]
async fn try_acquire_refuses_and_says_when() {
    let limiter = RateLimiter::per_second(4, 1).expect("valid");
    assert_eq!(limiter.try_acquire(), Ok(()));
    let limited = limiter.try_acquire().expect_err("the burst of 1 is spent");
    assert_eq!(
        limited.retry_at - Instant::now(),
        Duration::from_millis(250)
    );
    assert_eq!(limited.retry_after(), Duration::from_millis(250));
    sleep(Duration::from_millis(249)).await;
    assert!(limiter.try_acquire().is_err());
    sleep(Duration::from_millis(1)).await;
    assert_eq!(limiter.try_acquire(), Ok(()));
}

#[tokio::test(start_paused = true)]
async fn an_idle_limiter_refills_only_up_to_the_burst() {
    let limiter = RateLimiter::per_second(10, 2).expect("valid");
    sleep(Duration::from_secs(60)).await;
    assert!(limiter.try_acquire().is_ok());
    assert!(limiter.try_acquire().is_ok());
    assert!(
        limiter.try_acquire().is_err(),
        "a minute idle is not 600 saved tokens"
    );
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_acquire_uses_nothing() {
    let limiter = RateLimiter::per_second(1, 1).expect("valid");
    limiter.acquire().await;
    let gave_up = tokio::time::timeout(Duration::from_millis(500), limiter.acquire()).await;
    assert!(gave_up.is_err());
    sleep(Duration::from_millis(500)).await;
    assert_eq!(
        limiter.try_acquire(),
        Ok(()),
        "the dropped waiter reserved no slot"
    );
}

#[tokio::test(start_paused = true)]
async fn clones_share_one_limit() {
    let limiter = RateLimiter::per_second(1, 1).expect("valid");
    let clone = limiter.clone();
    assert_eq!(limiter.try_acquire(), Ok(()));
    assert!(matches!(clone.try_acquire(), Err(RateLimited { .. })));
}

#[test]
fn zero_or_huge_rate_burst_or_period_is_a_config_error() {
    assert_eq!(
        RateLimiter::per_second(0, 1).err(),
        Some(ConfigError::Zero { name: "rate" })
    );
    assert_eq!(
        RateLimiter::per_second(1, 0).err(),
        Some(ConfigError::Zero { name: "burst" })
    );
    assert_eq!(
        RateLimiter::new(1, Duration::ZERO, 1).err(),
        Some(ConfigError::Zero { name: "period" })
    );
    assert!(matches!(
        RateLimiter::per_second(usize::MAX, 1),
        Err(ConfigError::TooLarge { name: "rate", .. })
    ));
    assert!(matches!(
        RateLimiter::per_second(1, usize::MAX),
        Err(ConfigError::TooLarge { name: "burst", .. })
    ));
    // More than one admission per nanosecond cannot be spaced on a nanosecond clock.
    assert!(matches!(
        RateLimiter::new(2, Duration::from_nanos(1), 1),
        Err(ConfigError::Invalid { name: "rate", .. })
    ));
    assert!(RateLimiter::new(1, Duration::from_nanos(1), 1).is_ok());
}

proptest! {
    #[test]
    fn no_window_admits_more_than_rate_times_length_plus_burst(
        rate in 1usize..=50,
        // Periods of microseconds (intervals between whole nanoseconds, issue 10 item 7) and of
        // milliseconds to seconds.
        period_ns in prop_oneof![1_000u64..=1_000_000, 1_000_000u64..=2_000_000_000],
        burst in 1usize..=5_000,
        // Gaps between attempts, in milliseconds; each attempt waits (0), tries once (1) or
        // tries until refused (2).
        attempts in proptest::collection::vec((0u64..200, 0u8..3), 1..60),
    ) {
        let period = Duration::from_nanos(period_ns);
        // Admissions counted per instant: the paused clock moves in whole milliseconds.
        let admitted: Vec<(u128, u64)> = testing::paused_runtime().block_on(async {
            let limiter = RateLimiter::new(rate, period, burst).expect("valid");
            let start = Instant::now();
            let mut admitted: Vec<(u128, u64)> = Vec::new();
            let count = |admitted: &mut Vec<(u128, u64)>| {
                let at = start.elapsed().as_nanos();
                match admitted.last_mut() {
                    Some((last, n)) if *last == at => *n += 1,
                    _ => admitted.push((at, 1)),
                }
            };
            for (gap, mode) in attempts {
                sleep(Duration::from_millis(gap)).await;
                match mode {
                    0 => {
                        limiter.acquire().await;
                        count(&mut admitted);
                    }
                    1 => {
                        if limiter.try_acquire().is_ok() {
                            count(&mut admitted);
                        }
                    }
                    _ => {
                        while limiter.try_acquire().is_ok() {
                            count(&mut admitted);
                        }
                    }
                }
            }
            admitted
        });
        // Every window from instant i to instant j holds the admissions of both ends and all
        // between; exact integer arithmetic, no float rounding.
        for i in 0..admitted.len() {
            let mut inside = 0;
            for j in i..admitted.len() {
                inside += admitted[j].1;
                let length = admitted[j].0 - admitted[i].0;
                let bound = length * rate as u128 / u128::from(period_ns) + burst as u128;
                prop_assert!(
                    u128::from(inside) <= bound,
                    "{inside} admissions in {length} ns, bound {bound}"
                );
            }
        }
    }
}

#[test]
fn a_period_of_centuries_is_refused() {
    // Issue 10, item 6: saturating arithmetic made `new(1, Duration::MAX, 1)` admit everything.
    assert!(matches!(
        RateLimiter::new(1, Duration::MAX, 1),
        Err(ConfigError::TooLong { name: "period", .. })
    ));
    // A legal period whose burst takes longer than a year to refill is refused too.
    let day = Duration::from_secs(24 * 60 * 60);
    assert!(RateLimiter::new(1, day, 365).is_ok());
    assert!(matches!(
        RateLimiter::new(1, day, 366),
        Err(ConfigError::TooLong {
            name: "burst × period / rate",
            ..
        })
    ));
    assert!(matches!(
        RateLimiter::new(1, basics::config::MAX_DURATION, 1 << 20),
        Err(ConfigError::TooLong { .. })
    ));
}

#[tokio::test(start_paused = true)]
async fn a_rate_between_nanoseconds_keeps_its_bound() {
    // Issue 10, item 7: 3 per µs is an interval of 333.3 ns. Rounded down to 333 ns, a burst of
    // 3 003 (just under 1 ms of tokens) let 6 006 through in 1 ms against a bound of
    // 3 000 + 3 003. Rounded up to 334 ns, 5 997 go through.
    let limiter = RateLimiter::new(3, Duration::from_micros(1), 3_003).expect("valid");
    let mut admitted = 0;
    while limiter.try_acquire().is_ok() {
        admitted += 1;
    }
    sleep(Duration::from_millis(1)).await;
    while limiter.try_acquire().is_ok() {
        admitted += 1;
    }
    assert!(admitted <= 6_003, "{admitted} admitted in 1 ms");
}

#[tokio::test(start_paused = true)]
async fn a_refusal_says_when_to_retry() {
    let limiter = RateLimiter::per_second(4, 1).expect("valid");
    assert_eq!(limiter.try_acquire(), Ok(()));
    let refused = limiter.try_acquire().expect_err("the burst is spent");
    assert_eq!(refused.retry_after(), Duration::from_millis(250));
    assert_eq!(refused.to_string(), "rate limited: retry in 250ms");
    sleep(Duration::from_millis(100)).await;
    assert_eq!(refused.to_string(), "rate limited: retry in 150ms");
}
