//! Deadline scope: several steps share one time budget, passed down as a point in time.
//!
//! # Python
//! ```python
//! async with asyncio.timeout(5):       # one budget for the whole block
//!     user = await fetch_user()
//!     orders = await fetch_orders(user)
//!     await render(user, orders)
//! ```
//!
//! # Rust
//! A [`Deadline`] is an [`Instant`] on tokio's clock. Each step runs under
//! [`tokio::time::timeout_at`] with the same instant, so the steps share the budget: what one
//! step spends, the next one no longer has. A step that would start after the deadline fails at
//! once without being polled ([`DeadlineError::Expired`]).
//!
//! # Differences
//! - `asyncio.timeout` is a scope that cancels whatever runs inside it; in Rust the deadline is a
//!   value passed down to each call (as gRPC and Go's `context` do), so a callee can also read
//!   [`Deadline::remaining`] and choose a cheaper path.
//!
//! # Pitfalls
//! - A fresh `timeout(5 s)` per step gives three steps 15 s, not 5: pass the deadline, not a
//!   duration.
//! - A budget that is already spent is bad input at construction: [`Deadline::after`] with zero
//!   and [`Deadline::at`] with a past instant return [`DeadlineError::AlreadyPassed`].
//!
//! # See also
//! [`crate::timeout`](mod@crate::timeout) (one operation).

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// Why a step under a [`Deadline`] produced no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The deadline was not in the future when the [`Deadline`] was made.
    #[error("deadline already passed")]
    AlreadyPassed,
    /// The deadline had passed before the step started; the step was not run.
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
    /// A deadline `budget` from now. A budget too large to add to now (`Duration::MAX` for "no
    /// limit") gives a deadline about 30 years away, as `tokio::time::timeout` does.
    ///
    /// # Errors
    /// [`DeadlineError::AlreadyPassed`] for a zero budget.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use errors_timeouts::{Deadline, DeadlineError};
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let deadline = Deadline::after(Duration::from_secs(5)).unwrap();
    /// assert_eq!(deadline.remaining(), Duration::from_secs(5));
    /// assert_eq!(Deadline::after(Duration::ZERO), Err(DeadlineError::AlreadyPassed));
    /// # }
    /// ```
    pub fn after(budget: Duration) -> Result<Deadline, DeadlineError> {
        let now = Instant::now();
        // `Instant + Duration` panics on overflow; a budget too large to add (`Duration::MAX`,
        // "no limit") becomes a far-future deadline instead, as `tokio::time::timeout` does.
        let at = now
            .checked_add(budget)
            .unwrap_or_else(|| now + Duration::from_secs(86_400 * 365 * 30));
        Deadline::at(at)
    }

    /// A deadline at `at`.
    ///
    /// # Errors
    /// [`DeadlineError::AlreadyPassed`] when `at` is not in the future.
    pub fn at(at: Instant) -> Result<Deadline, DeadlineError> {
        if at <= Instant::now() {
            return Err(DeadlineError::AlreadyPassed);
        }
        Ok(Deadline { at })
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
