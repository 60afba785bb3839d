//! The rate limiter on the paused clock: bursts, spacing, refusals, bad input, and the
//! property that no window admits more than `rate · T + burst`.

use std::time::Duration;

use concurrency_control::{RateLimiter, RateLimiterError};
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
    let next = limiter.try_acquire().expect_err("the burst of 1 is spent");
    assert_eq!(next - Instant::now(), Duration::from_millis(250));
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

#[test]
fn zero_rate_burst_or_period_is_an_error() {
    assert_eq!(
        RateLimiter::per_second(0, 1).err(),
        Some(RateLimiterError::ZeroRate)
    );
    assert_eq!(
        RateLimiter::per_second(1, 0).err(),
        Some(RateLimiterError::ZeroBurst)
    );
    assert_eq!(
        RateLimiter::new(1, Duration::ZERO, 1).err(),
        Some(RateLimiterError::ZeroPeriod)
    );
}

proptest! {
    #[test]
    fn no_window_admits_more_than_rate_times_length_plus_burst(
        rate in 1u32..50,
        burst in 1u32..10,
        // Gaps between attempts, in milliseconds; each attempt either waits or only tries.
        attempts in proptest::collection::vec((0u64..200, any::<bool>()), 1..80),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("a runtime builds");
        let admitted = runtime.block_on(async {
            let limiter = RateLimiter::per_second(rate, burst).expect("valid");
            let start = Instant::now();
            let mut admitted = Vec::new();
            for (gap, wait) in attempts {
                sleep(Duration::from_millis(gap)).await;
                if wait {
                    limiter.acquire().await;
                    admitted.push(start.elapsed());
                } else if limiter.try_acquire().is_ok() {
                    admitted.push(start.elapsed());
                }
            }
            admitted
        });
        // Every window [admitted[i], admitted[j]] holds j - i + 1 admissions.
        let interval = 1.0 / f64::from(rate);
        for i in 0..admitted.len() {
            for j in i..admitted.len() {
                let length = (admitted[j] - admitted[i]).as_secs_f64();
                let bound = (length / interval + 1e-9).floor() + f64::from(burst);
                prop_assert!(
                    (j - i + 1) as f64 <= bound,
                    "{} admissions in {length}s, bound {bound}", j - i + 1
                );
            }
        }
    }
}
