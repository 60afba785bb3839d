//! Retry with backoff: exponential delays, seeded jitter, a cap on attempts and on each delay, a
//! predicate for which errors are worth retrying, and an overall budget.
//!
//! [`retry`] is the loop written out, so the mechanics are visible: a [`RetryPolicy`] yields the
//! delays ([`RetryPolicy::delays`]), `is_retryable` sorts transient errors from permanent ones,
//! and every sleep is `tokio::time::sleep`, so a paused-clock test sees the exact sequence. The
//! jitter comes from a tiny seeded generator (SplitMix64), so a seed gives the same delays on
//! every run.
//!
//! Every delay is a whole number of milliseconds, rounded up. Tokio's timer counts whole
//! milliseconds and ends a sleep at the first tick at or after its deadline, so a 1.5 ms sleep
//! lasts 2 ms; rounding the delays the same way makes [`RetryPolicy::delays`] report the sleeps
//! tokio really does (exactly, on the paused clock), the budget check use them, and jitter keep
//! its bounds on that grid. On the real clock a sleep that starts between two ticks can still
//! end up to 1 ms later.
//!
//! The lesson: `docs/errors-timeouts.md`, section *Retry with backoff*.
//!
//! # See also
//! [`crate::circuit_breaker`] (stop retrying a service that is down).

use std::future::Future;
use std::time::Duration;

use basics::config::{self, ConfigError};
use tokio::time::Instant;

/// How the delays are randomised. The seed makes the sequence reproducible.
///
/// `d` below is the planned delay in whole milliseconds (rounded up); a jittered delay is a
/// whole number of milliseconds too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// Exact exponential delays.
    None,
    /// "Full jitter": each delay uniform in `[0, d]`.
    Full {
        /// The generator's seed.
        seed: u64,
    },
    /// "Equal jitter": each delay uniform in `[⌈d/2⌉, d]` (never shorter than half the plan).
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
    max_attempts: usize,
    jitter: Jitter,
    budget: Option<Duration>,
}

/// Builds a [`RetryPolicy`]; every setting has a default, [`build`](RetryPolicyBuilder::build)
/// checks them all.
#[derive(Debug, Clone, Copy)]
#[must_use = "a builder does nothing until `build` is called"]
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
    pub fn max_attempts(&self) -> usize {
        self.max_attempts
    }

    /// The delays before attempts 2, 3, ... (`max_attempts - 1` of them), each a whole number
    /// of milliseconds: the planned delay rounded up to the next millisecond (as tokio's timer
    /// rounds a sleep), then jittered on that grid.
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
    /// // 1.5 ms is slept as 2 ms by tokio, and reported so.
    /// let fine = RetryPolicy::builder().initial_delay(Duration::from_micros(1_500)).build().unwrap();
    /// let ms: Vec<u128> = fine.delays().map(|d| d.as_millis()).collect();
    /// assert_eq!(ms, [2, 3]);
    /// ```
    pub fn delays(&self) -> impl Iterator<Item = Duration> + use<> {
        let policy = *self;
        let mut rng = SplitMix64::new(match policy.jitter {
            Jitter::None => 0,
            Jitter::Full { seed } | Jitter::Equal { seed } => seed,
        });
        let mut base = policy.initial_delay.min(policy.max_delay);
        (1..policy.max_attempts).map(move |_| {
            let planned = whole_millis_up(base);
            // `base` stays at most `max_delay` (at most `config::MAX_DURATION`).
            base = base.saturating_mul(policy.multiplier).min(policy.max_delay);
            let millis = match policy.jitter {
                Jitter::None => planned,
                Jitter::Full { .. } => rng.below(planned + 1),
                Jitter::Equal { .. } => {
                    let half = planned.div_ceil(2);
                    half + rng.below(planned - half + 1)
                }
            };
            Duration::from_millis(millis)
        })
    }
}

/// `delay` in milliseconds, rounded up: the length of tokio's sleep of `delay` on its 1 ms grid.
fn whole_millis_up(delay: Duration) -> u64 {
    // At most `config::MAX_DURATION` (about 3.2e10 ms), far inside a `u64`.
    u64::try_from(delay.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX)
}

impl RetryPolicyBuilder {
    /// The most attempts, the first one included (default 3): `1..=config::MAX_CAPACITY`.
    pub fn max_attempts(mut self, attempts: usize) -> Self {
        self.policy.max_attempts = attempts;
        self
    }

    /// The delay before the second attempt (default 100 ms); zero retries at once.
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

    /// The overall budget (default none): no attempt is made that is due later than this after
    /// the first one. On the paused clock attempts start exactly when due; on the real clock
    /// the timer's 1 ms tick and the scheduler can start one a little later.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.policy.budget = Some(budget);
        self
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`ConfigError`] naming the setting: `max_attempts` or `multiplier` of 0 or past
    /// [`config::MAX_CAPACITY`]; `initial_delay` or `max_delay` past [`config::MAX_DURATION`];
    /// a `budget` of zero or past [`config::MAX_DURATION`].
    pub fn build(self) -> Result<RetryPolicy, ConfigError> {
        let policy = self.policy;
        config::count("max_attempts", policy.max_attempts)?;
        config::count(
            "multiplier",
            usize::try_from(policy.multiplier).unwrap_or(usize::MAX),
        )?;
        config::duration_or_zero("initial_delay", policy.initial_delay)?;
        config::duration_or_zero("max_delay", policy.max_delay)?;
        if let Some(budget) = policy.budget {
            config::duration("budget", budget)?;
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

    /// Uniform in `0..n` (`n` at least 1 and far below 2^53, as a delay in ms is).
    fn below(&mut self, n: u64) -> u64 {
        // `as u64` truncates: the floor of a value in `[0, n)`, exact since `n < 2^53`.
        let value = (self.next_f64() * n as f64) as u64;
        value.min(n - 1)
    }
}

/// Why [`retry`] gave up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetryError<E> {
    /// Every attempt failed with a retryable error; the last one is kept.
    #[error("gave up after {attempts} attempts")]
    Exhausted {
        /// Attempts made.
        attempts: usize,
        /// The last error.
        #[source]
        last: E,
    },
    /// An attempt failed with an error the predicate called permanent; no retry was made.
    #[error("permanent error on attempt {attempts}")]
    Permanent {
        /// Attempts made.
        attempts: usize,
        /// The error.
        #[source]
        error: E,
    },
    /// The next attempt would have started after the overall budget.
    #[error("retry budget spent after {attempts} attempts")]
    BudgetSpent {
        /// Attempts made.
        attempts: usize,
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
    // The budget counts from the first attempt; the clock is read only when there is one.
    let start = policy.budget.map(|_| Instant::now());
    let error = match operation().await {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    // The rest (delay generator, sleep, later attempts) is its own future, boxed: the future
    // of a call that succeeds at once stays small and cheap to create and move, and the one
    // allocation comes after a failure. Measured by `cargo bench -p errors-timeouts` (200 000
    // calls that succeed at once): 1.50x a hand-written loop boxed, 2.24x with the loop inline
    // (49% slower), so the box stays.
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
        // The next attempt starts `delay` from now (a whole number of ms, as tokio sleeps it):
        // give up now rather than sleep past the budget.
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
