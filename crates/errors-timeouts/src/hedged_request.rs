//! Hedged request: when the first request is slow, send a second one after a delay and take
//! whichever succeeds first; the loser is cancelled.
//!
//! [`hedge`] checks the delay and returns the race as a future: it pins the primary, races it against a `sleep(delay)` and, when the sleep wins, starts
//! the hedge and races both in a `select!`. The first **success** wins; a failure waits for the
//! other request. Returning drops the loser, which cancels it at its `.await`.
//!
//! The lesson: `docs/errors-timeouts.md`, section *Hedged request*.
//!
//! # See also
//! [`crate::fallback`](mod@crate::fallback) (one after the other), `basics::race`.

use std::future::Future;
use std::time::Duration;

use basics::config::{self, ConfigError};

/// Which request of a [`hedge`] answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The first request.
    Primary,
    /// The request sent after the delay.
    Hedge,
}

/// The answer of a [`hedge`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hedged<T> {
    /// The winning answer.
    pub value: T,
    /// Which request gave it.
    pub winner: Attempt,
    /// Whether the hedge was sent at all.
    pub hedged: bool,
}

// ANCHOR: hedge
/// Checks `delay`, then returns the race: sends `request(Attempt::Primary)`; if it has not
/// succeeded after `delay` (or fails sooner), sends `request(Attempt::Hedge)` too, and resolves
/// to the first success.
///
/// # Errors
/// [`ConfigError::TooLong`] for a delay past [`config::MAX_DURATION`] (zero is allowed: both
/// requests start at once). The returned future resolves to the last error when both requests
/// fail.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use errors_timeouts::{Attempt, hedge};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let start = tokio::time::Instant::now();
/// let answer = hedge(Duration::from_millis(300), |attempt| async move {
///     let latency = if attempt == Attempt::Primary { 2_000 } else { 100 };
///     tokio::time::sleep(Duration::from_millis(latency)).await;
///     Ok::<_, ()>(latency)
/// })?
/// .await
/// .unwrap();
/// assert_eq!((answer.winner, answer.value), (Attempt::Hedge, 100));
/// assert_eq!(start.elapsed(), Duration::from_millis(400));
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops both requests.
pub fn hedge<T, E, F, Fut>(
    delay: Duration,
    request: F,
) -> Result<impl Future<Output = Result<Hedged<T>, E>>, ConfigError>
where
    F: FnMut(Attempt) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let delay = config::duration_or_zero("delay", delay)?;
    Ok(race_with_hedge(delay, request))
}

async fn race_with_hedge<T, E, F, Fut>(delay: Duration, mut request: F) -> Result<Hedged<T>, E>
where
    F: FnMut(Attempt) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let primary = request(Attempt::Primary);
    tokio::pin!(primary);
    // Phase 1: the primary alone, until it answers or the delay passes.
    let primary_failed = tokio::select! {
        biased;
        outcome = &mut primary => match outcome {
            Ok(value) => return Ok(Hedged { value, winner: Attempt::Primary, hedged: false }),
            // It failed before the delay: hedge now instead of waiting.
            Err(_) => true,
        },
        () = tokio::time::sleep(delay) => false,
    };
    let hedge = request(Attempt::Hedge);
    tokio::pin!(hedge);
    // Phase 2: both race (or the hedge alone, when the primary already failed); a failure
    // leaves the other to finish.
    let (mut primary_done, mut hedge_done) = (primary_failed, false);
    loop {
        tokio::select! {
            outcome = &mut primary, if !primary_done => match outcome {
                // Returning drops `hedge`: the loser is cancelled.
                Ok(value) => return Ok(Hedged { value, winner: Attempt::Primary, hedged: true }),
                Err(error) if hedge_done => return Err(error),
                Err(_) => primary_done = true,
            },
            outcome = &mut hedge, if !hedge_done => match outcome {
                Ok(value) => return Ok(Hedged { value, winner: Attempt::Hedge, hedged: true }),
                Err(error) if primary_done => return Err(error),
                Err(_) => hedge_done = true,
            },
        }
    }
}
// ANCHOR_END: hedge
