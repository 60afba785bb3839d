//! Unbounded fan-out: one task per item, all spawned at once. Every task is in flight together:
//! 100 000 items are 100 000 tasks, sockets, buffers, and requests at the service behind them.
//!
//! The fix keeps at most `limit` tasks in flight, spawning the next one as one finishes. No lint
//! sees the difference; a witness counting the tasks in flight does (the tests use
//! `testing::InFlight`).
//!
//! The lesson: `docs/pitfalls.md`, section *Unbounded fan-out*.

use std::future::Future;

use basics::config::{self, ConfigError};
use basics::{IndexedJoinSet, TaskFailed};

// ANCHOR: wrong
/// WRONG: spawns `job(i)` for every `i` in `0..items` at once, then waits for them all; returns
/// how many finished.
///
/// # Errors
/// [`TaskFailed`] for the first job that panicked; the jobs still running are aborted.
///
/// # Panics
/// Outside a tokio runtime.
pub async fn run_all_at_once<F, Fut>(items: usize, job: F) -> Result<usize, TaskFailed>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut tasks = IndexedJoinSet::new();
    for item in 0..items {
        tasks.spawn(job(item));
    }
    let mut finished = 0;
    while let Some(joined) = tasks.join_next().await {
        joined?;
        finished += 1;
    }
    Ok(finished)
}
// ANCHOR_END: wrong

// ANCHOR: right
/// RIGHT: runs jobs with at most `limit` in flight, spawning the next one as one finishes.
#[derive(Debug, Clone, Copy)]
pub struct BoundedFanOut {
    limit: usize,
}

impl BoundedFanOut {
    /// A fan-out of at most `limit` tasks at once.
    ///
    /// # Errors
    /// [`ConfigError`] when `limit` is 0 or more than [`config::MAX_CAPACITY`].
    pub fn new(limit: usize) -> Result<BoundedFanOut, ConfigError> {
        Ok(BoundedFanOut {
            limit: config::count("limit", limit)?,
        })
    }

    /// Runs `job(i)` for every `i` in `0..items`, at most `limit` at once, in order of `i`;
    /// returns how many finished.
    ///
    /// # Errors
    /// [`TaskFailed`] for the first job that panicked; the jobs still running are aborted.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    ///
    /// # Cancel safety
    /// Dropping the future aborts the jobs in flight; the items not started are never started.
    pub async fn run<F, Fut>(&self, items: usize, job: F) -> Result<usize, TaskFailed>
    where
        F: Fn(usize) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let mut tasks = IndexedJoinSet::new();
        let mut finished = 0;
        for item in 0..items {
            if tasks.len() == self.limit
                && let Some(joined) = tasks.join_next().await
            {
                joined?;
                finished += 1;
            }
            tasks.spawn(job(item));
        }
        while let Some(joined) = tasks.join_next().await {
            joined?;
            finished += 1;
        }
        Ok(finished)
    }
}
// ANCHOR_END: right
