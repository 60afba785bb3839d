//! Timeout: give one operation a time limit and get a typed error when it runs out.
//!
//! [`tokio::time::timeout`] wraps any future; when the limit passes first, the inner future is
//! dropped (cancelled at its `.await`) and the result is `Err(Elapsed)`. [`timeout`] is the same
//! call with an error that says which limit ran out ([`TimedOut`]), so it can be logged and
//! matched without the original `Duration` at hand.
//!
//! The lesson: `docs/errors-timeouts.md`, section *Timeout*.
//!
//! # See also
//! [`crate::deadline`] (one budget over several steps).

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use basics::config::{self, ConfigError};

// ANCHOR: timed_out
/// The operation did not finish within its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("operation timed out after {limit:?}")]
pub struct TimedOut {
    /// The limit that ran out.
    pub limit: Duration,
}
// ANCHOR_END: timed_out

// ANCHOR: timeout
/// Runs `operation` with a time limit of `limit` on tokio's clock: checks the limit, then
/// returns the future to await.
///
/// The operation is polled before the timer is checked, so one that is ready at once succeeds
/// even under a zero limit.
///
/// # Errors
/// [`ConfigError::TooLong`] for a limit past [`config::MAX_DURATION`]. The returned future
/// resolves to [`TimedOut`] when `limit` passes first; `operation` has then been dropped.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use errors_timeouts::{TimedOut, timeout};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let start = tokio::time::Instant::now();
/// let slow = tokio::time::sleep(Duration::from_secs(5));
/// let limit = Duration::from_secs(2);
/// assert_eq!(timeout(limit, slow)?.await, Err(TimedOut { limit }));
/// assert_eq!(start.elapsed(), limit);
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops `operation`: it is exactly as cancel-safe as `operation`.
pub fn timeout<F: IntoFuture>(
    limit: Duration,
    operation: F,
) -> Result<Timeout<F::IntoFuture>, ConfigError> {
    let limit = config::duration_or_zero("limit", limit)?;
    Ok(Timeout {
        inner: tokio::time::timeout(limit, operation),
        limit,
    })
}

pin_project_lite::pin_project! {
    /// The future returned by [`timeout`]: tokio's `Timeout` with a [`TimedOut`] error.
    ///
    /// A named future rather than an `async fn`, so the wrapper adds no state machine of its
    /// own around tokio's (the benchmark compares the two).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless polled"]
    pub struct Timeout<F> {
        #[pin]
        inner: tokio::time::Timeout<F>,
        limit: Duration,
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, TimedOut>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let limit = *this.limit;
        this.inner
            .poll(cx)
            .map(|outcome| outcome.map_err(|_| TimedOut { limit }))
    }
}
// ANCHOR_END: timeout
