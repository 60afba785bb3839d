//! Rate limiting: admit at most `rate` operations per period, with a burst, on tokio's clock.
//!
//! [`RateLimiter`] is a GCRA (generic cell rate algorithm): one atomic timestamp and no refill
//! task. [`RateLimiter::try_acquire`] admits a request now or returns [`RateLimited`] with the
//! instant to retry at; [`RateLimiter::acquire`] waits until admitted. Every instant comes from
//! [`tokio::time::Instant`], so the paused clock drives it in tests. Clones share one limit.
//!
//! The lesson: `docs/concurrency-control.md`, section *Rate limiting*.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use basics::config::{self, ConfigError, MAX_DURATION};
use tokio::time::Instant;

/// A request [`RateLimiter::try_acquire`] did not admit.
///
/// Its message says how long to wait, counted from when it is formatted:
/// `rate limited: retry in 250ms` ([`retry_after`](RateLimited::retry_after)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("rate limited: retry in {:?}", self.retry_after())]
pub struct RateLimited {
    /// The earliest instant at which a request could be admitted (if no one else takes it).
    pub retry_at: Instant,
}

impl RateLimited {
    /// How long from now until [`retry_at`](RateLimited::retry_at); zero once it has passed.
    pub fn retry_after(&self) -> Duration {
        self.retry_at.saturating_duration_since(Instant::now())
    }
}

// ANCHOR: rate_limiter
/// A GCRA rate limiter: `rate` admissions per `period` on average, up to `burst` at once.
///
/// Over any window of length `w`, it admits at most `burst + w / interval` requests, where
/// `interval` is `period / rate` rounded *up* to whole nanoseconds, so at most
/// `burst + w · rate / period`. (Rounding up costs at most 1 ns per interval: 3 per µs is one
/// every 334 ns, not 333.3 ns.)
///
/// Clones share one limit: hand a clone to each task.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use concurrency_control::RateLimiter;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let limiter = RateLimiter::per_second(10, 2)?;
/// let start = tokio::time::Instant::now();
/// for _ in 0..4 {
///     limiter.acquire().await;
/// }
/// // Two at once (the burst), then one every 100 ms.
/// assert_eq!(start.elapsed(), Duration::from_millis(200));
/// assert!(limiter.try_acquire().is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct RateLimiter {
    /// Every time is kept as nanoseconds since `origin`, so the state fits one atomic word.
    origin: Instant,
    interval: u64,
    /// `burst * interval`: how far `tat` may run ahead of now; at most `MAX_DURATION`.
    tolerance: u64,
    /// The theoretical arrival time of the next request, in nanoseconds since `origin`.
    tat: Arc<AtomicU64>,
}

impl RateLimiter {
    /// `rate` admissions per second, up to `burst` at once.
    ///
    /// # Errors
    /// As [`new`](RateLimiter::new).
    pub fn per_second(rate: usize, burst: usize) -> Result<RateLimiter, ConfigError> {
        RateLimiter::new(rate, Duration::from_secs(1), burst)
    }

    /// `rate` admissions per `period`, up to `burst` at once.
    ///
    /// # Errors
    /// [`ConfigError`] for a `rate` or `burst` of 0 or past [`config::MAX_CAPACITY`], a
    /// `period` of zero or past [`MAX_DURATION`], a rate of more than one admission per
    /// nanosecond (`Invalid`, the clock cannot space them), or a burst whose tokens take longer
    /// than `MAX_DURATION` to refill (`TooLong`, named `"burst × period / rate"`).
    pub fn new(rate: usize, period: Duration, burst: usize) -> Result<RateLimiter, ConfigError> {
        let rate = config::count("rate", rate)? as u64;
        let burst = config::count("burst", burst)? as u64;
        let period = config::duration("period", period)?;
        let period_ns = u64::try_from(period.as_nanos()).expect("MAX_DURATION fits in u64 ns");
        if rate > period_ns {
            return Err(ConfigError::Invalid {
                name: "rate",
                reason: "more than one admission per nanosecond",
            });
        }
        // Rounded up, so the interval is never shorter than `period / rate`: rounding down let
        // 3 per µs (333.3 ns) through every 333 ns, more than the rate.
        let interval = period_ns.div_ceil(rate);
        // Checked in u128: a year-long interval times a burst of 2^20 overflows u64.
        let tolerance = u128::from(interval) * u128::from(burst);
        if tolerance > MAX_DURATION.as_nanos() {
            return Err(ConfigError::TooLong {
                name: "burst × period / rate",
                value: duration_from_nanos(tolerance),
                max: MAX_DURATION,
            });
        }
        Ok(RateLimiter {
            origin: Instant::now(),
            interval,
            tolerance: u64::try_from(tolerance).expect("at most MAX_DURATION, which fits in u64"),
            tat: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The time between admissions once the burst is spent.
    pub fn interval(&self) -> Duration {
        Duration::from_nanos(self.interval)
    }

    // ANCHOR: try_acquire
    /// Admits one request now, or says when one could be admitted.
    ///
    /// # Errors
    /// [`RateLimited`], with the earliest instant at which a request could be admitted.
    pub fn try_acquire(&self) -> Result<(), RateLimited> {
        // u64 nanoseconds last 584 years; `interval` and `tolerance` are at most a year, so the
        // sums below cannot overflow in the lifetime of a process.
        let now = u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let mut tat = self.tat.load(Ordering::Acquire);
        loop {
            // ANCHOR: rate_limiter_key
            let next = tat.max(now) + self.interval;
            if next > now + self.tolerance {
                let retry_at = self.origin + Duration::from_nanos(next - self.tolerance);
                return Err(RateLimited { retry_at });
            }
            // ANCHOR_END: rate_limiter_key
            // Another caller may have moved `tat` since we read it: retry with its value.
            match self
                .tat
                .compare_exchange_weak(tat, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Ok(()),
                Err(current) => tat = current,
            }
        }
    }
    // ANCHOR_END: try_acquire

    // ANCHOR: acquire
    /// Waits until a request is admitted.
    ///
    /// # Cancel safety
    /// Cancel-safe: a request is counted only when admitted, so a dropped `acquire` uses
    /// nothing. Waiters are not served first come, first served.
    pub async fn acquire(&self) {
        while let Err(limited) = self.try_acquire() {
            tokio::time::sleep_until(limited.retry_at).await;
        }
    }
    // ANCHOR_END: acquire
}
// ANCHOR_END: rate_limiter

/// A duration of `nanos` nanoseconds, for the error message of a product past `u64`.
fn duration_from_nanos(nanos: u128) -> Duration {
    const PER_SEC: u128 = 1_000_000_000;
    let secs = u64::try_from(nanos / PER_SEC).unwrap_or(u64::MAX);
    let subsec = u32::try_from(nanos % PER_SEC).expect("below 10^9");
    Duration::new(secs, subsec)
}
