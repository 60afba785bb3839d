//! Deadline scope: several steps share one time budget, passed down as a point in time.
//!
//! A [`Deadline`] is an [`Instant`] on tokio's clock. Each step runs under
//! [`tokio::time::timeout_at`] with the same instant, so the steps share the budget: what one
//! step spends, the next one no longer has. A step that would start after the deadline fails at
//! once without being polled ([`DeadlineError::Expired`]); that is also what a deadline already
//! past when it was made ([`Deadline::at`] with a past instant) gives its first step: the past
//! is not bad configuration, only a budget that is spent.
//!
//! The lesson: `docs/errors-timeouts.md`, section *Deadline scope*.
//!
//! # See also
//! [`crate::timeout`](mod@crate::timeout) (one operation).

use std::future::Future;
use std::time::Duration;

use basics::config::{self, ConfigError};
use tokio::time::Instant;

/// Why a step under a [`Deadline`] produced no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The deadline had passed before the step started (or before the deadline was even
    /// made); the step was not run.
    #[error("deadline expired before the step started")]
    Expired,
    /// The deadline passed while the step ran; the step was dropped.
    #[error("deadline exceeded during the step")]
    Exceeded,
}

// ANCHOR: deadline
/// A point in time on tokio's clock that several steps share as their budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deadline {
    at: Instant,
}

impl Deadline {
    /// A deadline `budget` from now.
    ///
    /// # Errors
    /// [`ConfigError::Zero`] for a zero budget, [`ConfigError::TooLong`] past
    /// [`config::MAX_DURATION`] (which keeps `now + budget` from overflowing).
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use basics::ConfigError;
    /// use errors_timeouts::Deadline;
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let deadline = Deadline::after(Duration::from_secs(5)).unwrap();
    /// assert_eq!(deadline.remaining(), Duration::from_secs(5));
    /// assert_eq!(Deadline::after(Duration::ZERO), Err(ConfigError::Zero { name: "budget" }));
    /// # }
    /// ```
    pub fn after(budget: Duration) -> Result<Deadline, ConfigError> {
        let budget = config::duration("budget", budget)?;
        Ok(Deadline {
            at: Instant::now() + budget,
        })
    }

    /// A deadline at `at`, an instant the caller already has (from a request header, a parent
    /// deadline). An instant already past is accepted: every step run under it fails at once
    /// with [`DeadlineError::Expired`], a run-time outcome of that step, not a configuration
    /// error.
    pub fn at(at: Instant) -> Deadline {
        Deadline { at }
    }

    /// The instant itself.
    pub fn instant(&self) -> Instant {
        self.at
    }

    /// The budget left (zero once the deadline has passed).
    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// Whether the deadline has passed.
    pub fn is_expired(&self) -> bool {
        Instant::now() >= self.at
    }

    /// Runs one step within the deadline.
    ///
    /// # Errors
    /// [`DeadlineError::Expired`] at once, without polling `step`, when the deadline has already
    /// passed; [`DeadlineError::Exceeded`] when it passes while `step` runs.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use errors_timeouts::{Deadline, DeadlineError};
    /// use tokio::time::sleep;
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let deadline = Deadline::after(Duration::from_secs(5)).unwrap();
    /// assert_eq!(deadline.run(sleep(Duration::from_secs(3))).await, Ok(()));
    /// // 2 s left: a second 3 s step is cut off at +5 s.
    /// assert_eq!(deadline.run(sleep(Duration::from_secs(3))).await, Err(DeadlineError::Exceeded));
    /// assert_eq!(deadline.run(async { 1 }).await, Err(DeadlineError::Expired));
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// Dropping the returned future drops `step`: as cancel-safe as `step`.
    pub async fn run<F: Future>(&self, step: F) -> Result<F::Output, DeadlineError> {
        if self.is_expired() {
            return Err(DeadlineError::Expired);
        }
        tokio::time::timeout_at(self.at, step)
            .await
            .map_err(|_| DeadlineError::Exceeded)
    }
}
// ANCHOR_END: deadline
