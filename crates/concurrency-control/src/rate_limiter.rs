//! Rate limiting: admit at most `rate` operations per period, with a burst, on tokio's clock.
//!
//! # Python
//! ```python
//! sem = asyncio.Semaphore(5)      # often called a "rate limiter": it is not
//!
//! class RateLimiter:              # a token bucket
//!     def __init__(self, rate, burst):
//!         self.rate, self.tokens, self.last = rate, burst, time.monotonic()
//!     async def acquire(self):
//!         ...refill by elapsed * rate, sleep until a token is there, take it...
//! ```
//!
//! # Rust
//! [`RateLimiter`] is a GCRA (generic cell rate algorithm, the token bucket written as one
//! timestamp): it keeps the *theoretical arrival time* `tat` of the next request. A request at
//! `now` is admitted when `max(tat, now) + interval <= now + burst * interval`, and then moves
//! `tat` forward by one `interval`. One atomic word, no background refill task, and every instant
//! comes from [`tokio::time::Instant`], so the paused clock drives it in tests.
//!
//! # Differences
//! - A semaphore bounds how many run *at once*; a rate limiter bounds how many *start per
//!   second*. Five 10 ms calls under `Semaphore(5)` still run 500 times a second.
//! - [`RateLimiter::acquire`] is cancel-safe: nothing is reserved until the request is admitted.
//!   Waiters are not served in arrival order.
//!
//! # Pitfalls
//! - Sleeping `1 / rate` between calls is a rate limit without a burst, and drifts by the time
//!   each call takes.
//! - governor keeps its own clock (quanta): tokio's paused time does not move it, so tests of code
//!   using governor wait in real time.
//!
//! # In production
//! governor (GCRA, lock-free, keyed limiters) and tower's `RateLimit` layer around a service.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// Why a [`RateLimiter`] could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RateLimiterError {
    /// A rate of 0 would never admit anything.
    #[error("the rate must be at least 1 per period")]
    ZeroRate,
    /// A burst of 0 would never admit anything.
    #[error("the burst must be at least 1")]
    ZeroBurst,
    /// A zero period has no meaning.
    #[error("the period must be longer than zero")]
    ZeroPeriod,
}

// ANCHOR: rate_limiter
/// A GCRA rate limiter: `rate` admissions per `period` on average, up to `burst` at once.
///
/// Over any window of length `w`, it admits at most `burst + w / interval` requests, where
/// `interval = period / rate`.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use concurrency_control::RateLimiter;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), concurrency_control::RateLimiterError> {
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
#[derive(Debug)]
pub struct RateLimiter {
    /// Every time is kept as nanoseconds since `origin`, so the state fits one atomic word.
    origin: Instant,
    interval: u64,
    /// `burst * interval`: how far `tat` may run ahead of now.
    tolerance: u64,
    /// The theoretical arrival time of the next request, in nanoseconds since `origin`.
    tat: AtomicU64,
}

impl RateLimiter {
    /// `rate` admissions per second, up to `burst` at once.
    ///
    /// # Errors
    /// [`RateLimiterError::ZeroRate`] or [`RateLimiterError::ZeroBurst`].
    pub fn per_second(rate: u32, burst: u32) -> Result<RateLimiter, RateLimiterError> {
        RateLimiter::new(rate, Duration::from_secs(1), burst)
    }

    /// `rate` admissions per `period`, up to `burst` at once.
    ///
    /// # Errors
    /// [`RateLimiterError`] for a rate, burst or period of zero.
    pub fn new(rate: u32, period: Duration, burst: u32) -> Result<RateLimiter, RateLimiterError> {
        if rate == 0 {
            return Err(RateLimiterError::ZeroRate);
        }
        if burst == 0 {
            return Err(RateLimiterError::ZeroBurst);
        }
        if period.is_zero() {
            return Err(RateLimiterError::ZeroPeriod);
        }
        let period_ns = u64::try_from(period.as_nanos()).unwrap_or(u64::MAX);
        // At least one nanosecond, so that `tat` always moves forward.
        let interval = (period_ns / u64::from(rate)).max(1);
        Ok(RateLimiter {
            origin: Instant::now(),
            interval,
            tolerance: interval.saturating_mul(u64::from(burst)),
            tat: AtomicU64::new(0),
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
    /// The earliest [`Instant`] at which a request could be admitted.
    pub fn try_acquire(&self) -> Result<(), Instant> {
        let now = u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let mut tat = self.tat.load(Ordering::Acquire);
        loop {
            // Saturating: a period of centuries must not wrap around to "admit now".
            let next = tat.max(now).saturating_add(self.interval);
            if next > now.saturating_add(self.tolerance) {
                return Err(self.origin + Duration::from_nanos(next - self.tolerance));
            }
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

    /// Waits until a request is admitted.
    ///
    /// # Cancel safety
    /// Cancel-safe: a request is counted only when admitted, so a dropped `acquire` uses
    /// nothing. Waiters are not served first come, first served.
    pub async fn acquire(&self) {
        while let Err(at) = self.try_acquire() {
            tokio::time::sleep_until(at).await;
        }
    }
}
// ANCHOR_END: rate_limiter
