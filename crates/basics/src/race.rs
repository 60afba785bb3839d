//! First success race: ask several mirrors at once, keep the first *successful* answer, cancel the
//! rest.
//!
//! - [`first_ok`]: races any number of fallible futures on the current task
//!   ([`futures::stream::FuturesUnordered`]); the first `Ok` wins, failures are kept until every
//!   candidate has failed, and returning drops (cancels) the losers.
//! - [`spawn_first_ok`]: the same race with one task per candidate in a
//!   [`IndexedJoinSet`], stopped with `abort_all` as soon as one succeeds.
//!
//! For two fixed branches, `tokio::select!` with an `if` guard per branch (the example shows it);
//! [`futures::future::select_ok`] for boxed futures. [`gather`](mod@crate::gather) waits for all
//! instead.
//!
//! The lesson: `docs/basics.md`, section *First success race*.

use std::future::Future;

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use crate::task::{IndexedJoinSet, TaskFailed};

/// The winner of a race: its position in the input and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Winner<T> {
    /// The winning candidate's position in the input.
    pub index: usize,
    /// Its successful output.
    pub value: T,
}

/// Why a race produced no winner.
#[derive(Debug, thiserror::Error)]
pub enum RaceError<E> {
    /// There was nothing to race.
    #[error("no candidates to race")]
    Empty,
    /// Every candidate failed; the errors are in input order.
    #[error("all {} candidates failed", errors.len())]
    AllFailed {
        /// One error per candidate, in input order (not finishing order).
        errors: Vec<E>,
    },
    /// A spawned candidate panicked, or was cancelled from outside because its runtime is
    /// shutting down ([`spawn_first_ok`] only); the others were aborted. Its `index` is the
    /// candidate's position in the input.
    #[error(transparent)]
    TaskFailed(#[from] TaskFailed),
}

/// Puts errors that arrived in finishing order back into input order.
fn in_input_order<E>(mut failures: Vec<(usize, E)>) -> Vec<E> {
    failures.sort_by_key(|(index, _)| *index);
    failures.into_iter().map(|(_, error)| error).collect()
}

// ANCHOR: first_ok
/// Races fallible futures on the current task and returns the first that succeeds.
///
/// Failures do not end the race: a candidate that fails fast is set aside while the others keep
/// going. When one succeeds, the others are dropped, which cancels them at their current
/// `.await`.
///
/// # Errors
/// - [`RaceError::Empty`] at once for an empty input (never a hang).
/// - [`RaceError::AllFailed`] with every error, in input order, when no candidate succeeds.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use tokio::time::{Instant, sleep};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::RaceError<String>> {
/// let start = Instant::now();
/// let mirror = |ms: u64, ok: bool| async move {
///     sleep(Duration::from_millis(ms)).await;
///     if ok { Ok(ms) } else { Err(format!("mirror {ms} down")) }
/// };
/// // The 100 ms failure does not win over the 300 ms success.
/// let winner = basics::first_ok([mirror(100, false), mirror(300, true), mirror(500, true)]).await?;
/// assert_eq!((winner.index, winner.value), (1, 300));
/// assert_eq!(start.elapsed(), Duration::from_millis(300));
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops every candidate still running; nothing keeps running in
/// the background.
pub async fn first_ok<I, F, T, E>(candidates: I) -> Result<Winner<T>, RaceError<E>>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>>,
{
    let mut racing: FuturesUnordered<_> = candidates
        .into_iter()
        .enumerate()
        .map(|(index, candidate)| async move { (index, candidate.await) })
        .collect();
    if racing.is_empty() {
        return Err(RaceError::Empty);
    }
    // ANCHOR: first_ok_key
    let mut failures = Vec::new();
    while let Some((index, outcome)) = racing.next().await {
        match outcome {
            // Returning drops `racing`, and with it every loser.
            Ok(value) => return Ok(Winner { index, value }),
            Err(error) => failures.push((index, error)),
        }
    }
    // ANCHOR_END: first_ok_key
    Err(RaceError::AllFailed {
        errors: in_input_order(failures),
    })
}
// ANCHOR_END: first_ok

// ANCHOR: spawn_first_ok
/// Races fallible futures, one spawned task each, and returns the first that succeeds; the
/// others are aborted.
///
/// # Errors
/// - [`RaceError::Empty`] at once for an empty input.
/// - [`RaceError::AllFailed`] with every error, in input order, when no candidate succeeds.
/// - [`RaceError::TaskFailed`] when a candidate panics (a bug, not a failed answer) or is
///   cancelled from outside; the others are aborted.
///
/// # Examples
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), basics::RaceError<&'static str>> {
/// let winner = basics::spawn_first_ok([
///     Box::pin(async { Err("refused") }) as std::pin::Pin<Box<dyn Future<Output = _> + Send>>,
///     Box::pin(async { Ok("pong") }),
/// ])
/// .await?;
/// assert_eq!(winner.value, "pong");
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops its [`IndexedJoinSet`], which aborts every task still
/// running.
pub async fn spawn_first_ok<I, F, T, E>(candidates: I) -> Result<Winner<T>, RaceError<E>>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let mut set = IndexedJoinSet::new();
    for candidate in candidates {
        set.spawn(candidate);
    }
    if set.is_empty() {
        return Err(RaceError::Empty);
    }
    let mut failures = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((index, Ok(value))) => {
                // Explicit, though dropping `set` would abort them too: the losers stop now.
                set.abort_all();
                return Ok(Winner { index, value });
            }
            Ok((index, Err(error))) => failures.push((index, error)),
            Err(failed) => {
                set.abort_all();
                return Err(RaceError::TaskFailed(failed));
            }
        }
    }
    Err(RaceError::AllFailed {
        errors: in_input_order(failures),
    })
}
// ANCHOR_END: spawn_first_ok
