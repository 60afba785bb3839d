//! Retry with backoff: exponential delays, seeded jitter, a cap on attempts and on each delay, a
//! predicate for which errors are worth retrying, and an overall budget.
//!
//! # Python
//! ```python
//! for attempt in range(1, max_attempts + 1):
//!     try:
//!         return await call()
//!     except TransientError:
//!         if attempt == max_attempts: raise
//!         await asyncio.sleep(min(base * 2 ** (attempt - 1), max_delay) * random.uniform(0.5, 1))
//! ```
//!
//! # Rust
//! [`retry`] is the loop written out, so the mechanics are visible: a [`RetryPolicy`] yields the
//! delays ([`RetryPolicy::delays`]), `is_retryable` sorts transient errors from permanent ones,
//! and every sleep is `tokio::time::sleep`, so a paused-clock test sees the exact sequence. The
//! jitter comes from a tiny seeded generator (SplitMix64), so a seed gives the same delays on
//! every run.
//!
//! # Differences
//! - The operation is a closure that builds a new future per attempt (`|| client.get(url)`): a
//!   Rust future runs once, it cannot be awaited again.
//! - Dropping the retry future cancels the attempt or the sleep in progress; no attempt runs
//!   after that.
//!
//! # Pitfalls
//! - Retrying every error (a 400, a parse error) multiplies load for nothing: pass a predicate.
//! - Without jitter, clients that failed together retry together (a thundering herd).
//! - Without a budget, retries stacked on retries outlive the caller's own deadline.
//!
//! # In production
//! backon (`ExponentialBuilder` with tokio's sleeper, which honours the paused clock) does the
//! same with less code: the example `retry` shows it beside this loop.
//!
//! # See also
//! [`crate::circuit_breaker`] (stop retrying a service that is down).

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// Invalid [`RetryPolicy`] settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RetryConfigError {
    /// `max_attempts` was 0: not even the first attempt would run.
    #[error("max attempts must be at least 1")]
    ZeroAttempts,
    /// The multiplier was 0: every delay after the first would be zero.
    #[error("the backoff multiplier must be at least 1")]
    ZeroMultiplier,
    /// The budget was zero: no attempt could start within it.
    #[error("the retry budget must be greater than zero")]
    ZeroBudget,
}

/// How the delays are randomised. The seed makes the sequence reproducible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// Exact exponential delays.
    None,
    /// "Full jitter": each delay uniform in `[0, d]`.
    Full {
        /// The generator's seed.
        seed: u64,
    },
    /// "Equal jitter": each delay uniform in `[d/2, d]` (never much shorter than planned).
    Equal {
        /// The generator's seed.
        seed: u64,
    },
}

// ANCHOR: policy
/// When to retry and how long to wait: build one with [`RetryPolicy::builder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    initial_delay: Duration,
    multiplier: u32,
    max_delay: Duration,
    max_attempts: u32,
    jitter: Jitter,
    budget: Option<Duration>,
}

/// Builds a [`RetryPolicy`]; every setting has a default.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicyBuilder {
    policy: RetryPolicy,
}

impl RetryPolicy {
    /// A builder with the defaults: 3 attempts, 100 ms first delay, doubling, at most 10 s per
    /// delay, no jitter, no budget.
    pub fn builder() -> RetryPolicyBuilder {
        RetryPolicyBuilder {
            policy: RetryPolicy {
                initial_delay: Duration::from_millis(100),
                multiplier: 2,
                max_delay: Duration::from_secs(10),
                max_attempts: 3,
                jitter: Jitter::None,
                budget: None,
            },
        }
    }

    /// The most attempts (the first one included).
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delays before attempts 2, 3, ... (`max_attempts - 1` of them). Jittered delays are
    /// rounded down to whole milliseconds, the resolution of tokio's timer.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use errors_timeouts::RetryPolicy;
    ///
    /// let policy = RetryPolicy::builder()
    ///     .max_attempts(5)
    ///     .initial_delay(Duration::from_millis(100))
    ///     .max_delay(Duration::from_millis(500))
    ///     .build()
    ///     .unwrap();
    /// let ms: Vec<u128> = policy.delays().map(|d| d.as_millis()).collect();
    /// assert_eq!(ms, [100, 200, 400, 500]);
    /// ```
    pub fn delays(&self) -> impl Iterator<Item = Duration> + use<> {
        let policy = *self;
        let mut rng = SplitMix64::new(match policy.jitter {
            Jitter::None => 0,
            Jitter::Full { seed } | Jitter::Equal { seed } => seed,
        });
        let mut base = policy.initial_delay.min(policy.max_delay);
        (1..policy.max_attempts).map(move |_| {
            let planned = base;
            base = base.saturating_mul(policy.multiplier).min(policy.max_delay);
            let jittered = match policy.jitter {
                Jitter::None => return planned,
                Jitter::Full { .. } => planned.mul_f64(rng.next_f64()),
                Jitter::Equal { .. } => planned / 2 + (planned / 2).mul_f64(rng.next_f64()),
            };
            // Tokio's timer counts whole milliseconds and rounds a sleep up; rounding the jitter
            // down here keeps each sleep exactly the delay reported.
            Duration::from_millis(u64::try_from(jittered.as_millis()).unwrap_or(u64::MAX))
        })
    }
}

impl RetryPolicyBuilder {
    /// The most attempts, the first one included (default 3).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.policy.max_attempts = attempts;
        self
    }

    /// The delay before the second attempt (default 100 ms).
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.policy.initial_delay = delay;
        self
    }

    /// The factor between one delay and the next (default 2; 1 gives constant delays).
    pub fn multiplier(mut self, multiplier: u32) -> Self {
        self.policy.multiplier = multiplier;
        self
    }

    /// The cap on any one delay (default 10 s).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.policy.max_delay = delay;
        self
    }

    /// How delays are randomised (default none).
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.policy.jitter = jitter;
        self
    }

    /// The overall budget: no attempt starts later than this after the first one (default none).
    pub fn budget(mut self, budget: Duration) -> Self {
        self.policy.budget = Some(budget);
        self
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`RetryConfigError`] for zero attempts, a zero multiplier or a zero budget.
    pub fn build(self) -> Result<RetryPolicy, RetryConfigError> {
        let policy = self.policy;
        if policy.max_attempts == 0 {
            return Err(RetryConfigError::ZeroAttempts);
        }
        if policy.multiplier == 0 {
            return Err(RetryConfigError::ZeroMultiplier);
        }
        if policy.budget == Some(Duration::ZERO) {
            return Err(RetryConfigError::ZeroBudget);
        }
        Ok(policy)
    }
}
// ANCHOR_END: policy

/// SplitMix64 (Steele, Lea and Flood): a few lines, good enough for jitter, and reproducible
/// from its seed, which is all jitter needs. Not for anything secret.
#[derive(Debug, Clone)]
struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`, from the top 53 bits.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Why [`retry`] gave up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetryError<E> {
    /// Every attempt failed with a retryable error; the last one is kept.
    #[error("gave up after {attempts} attempts")]
    Exhausted {
        /// Attempts made.
        attempts: u32,
        /// The last error.
        #[source]
        last: E,
    },
    /// An attempt failed with an error the predicate called permanent; no retry was made.
    #[error("permanent error on attempt {attempts}")]
    Permanent {
        /// Attempts made.
        attempts: u32,
        /// The error.
        #[source]
        error: E,
    },
    /// The next attempt would have started after the overall budget.
    #[error("retry budget spent after {attempts} attempts")]
    BudgetSpent {
        /// Attempts made.
        attempts: u32,
        /// The last error.
        #[source]
        last: E,
    },
}

// ANCHOR: retry
/// Calls `operation` until it succeeds, following `policy`; `is_retryable` says which errors are
/// worth another attempt.
///
/// # Errors
/// [`RetryError::Exhausted`] after `max_attempts` retryable failures, [`RetryError::Permanent`]
/// at the first error `is_retryable` rejects, [`RetryError::BudgetSpent`] when the next attempt
/// would start after the budget.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use errors_timeouts::{RetryPolicy, retry};
/// use testing::{FakeService, Script, Step};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> anyhow::Result<()> {
/// let remote = FakeService::new("remote", Script::new().then_repeat(2, Step::fail()).then(Step::ok()));
/// let policy = RetryPolicy::builder().initial_delay(Duration::from_millis(100)).build()?;
/// let start = tokio::time::Instant::now();
/// let reply = retry(&policy, |_| true, || remote.call()).await?;
/// assert_eq!(reply, "remote reply 3");
/// assert_eq!(start.elapsed(), Duration::from_millis(300)); // 100 ms + 200 ms of backoff
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops the attempt or the sleep in progress; no further attempt
/// is made.
pub async fn retry<T, E, Fut>(
    policy: &RetryPolicy,
    is_retryable: impl FnMut(&E) -> bool,
    mut operation: impl FnMut() -> Fut,
) -> Result<T, RetryError<E>>
where
    Fut: Future<Output = Result<T, E>>,
{
    // The success path does no more than the bare call: the clock is read only when a budget
    // is set (the budget counts from the first attempt).
    let start = policy.budget.map(|_| Instant::now());
    let error = match operation().await {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    // The rest (delay generator, sleep, later attempts) is its own future, boxed: the future
    // of a call that succeeds at once stays small and cheap to create and move. The one
    // allocation comes after a failure, just before a backoff sleep.
    Box::pin(retry_after_failure(
        policy,
        start,
        is_retryable,
        operation,
        error,
    ))
    .await
}

/// [`retry`] from its first failure (`error`) on.
async fn retry_after_failure<T, E, Fut>(
    policy: &RetryPolicy,
    start: Option<Instant>,
    mut is_retryable: impl FnMut(&E) -> bool,
    mut operation: impl FnMut() -> Fut,
    mut error: E,
) -> Result<T, RetryError<E>>
where
    Fut: Future<Output = Result<T, E>>,
{
    let mut delays = policy.delays();
    let mut attempts = 1;
    loop {
        if !is_retryable(&error) {
            return Err(RetryError::Permanent { attempts, error });
        }
        let Some(delay) = delays.next() else {
            return Err(RetryError::Exhausted {
                attempts,
                last: error,
            });
        };
        if let (Some(start), Some(budget)) = (start, policy.budget)
            && start.elapsed().saturating_add(delay) > budget
        {
            return Err(RetryError::BudgetSpent {
                attempts,
                last: error,
            });
        }
        tokio::time::sleep(delay).await;
        attempts += 1;
        error = match operation().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
    }
}
// ANCHOR_END: retry

#[cfg(test)]
mod tests {
    use super::SplitMix64;

    #[test]
    fn splitmix_matches_its_reference_output() {
        // The first output for seed 0, from the reference implementation.
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn unit_floats_stay_below_one() {
        let mut rng = SplitMix64::new(7);
        assert!(
            (0..10_000)
                .map(|_| rng.next_f64())
                .all(|x| (0.0..1.0).contains(&x))
        );
    }
}
