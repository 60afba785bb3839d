//! Abort after N failures: run items concurrently, and once too many have failed, cancel what
//! is still running.
//!
//! An [`IndexedJoinSet`] loop: [`IndexedJoinSet::join_next`] hands back each task with its input
//! position as it finishes; at the limit, [`IndexedJoinSet::abort_all`] cancels the rest and the
//! loop keeps joining until the set is empty, so when [`run_until_failures`] returns, every
//! aborted task has been dropped and its cleanup (its `Drop` guards) has run.
//!
//! The lesson: `docs/errors-timeouts.md`, section *Abort after N failures*.
//!
//! # See also
//! [`crate::fail_fast`](mod@crate::fail_fast) (a limit of 1), [`crate::partial_failure`] (no limit).

use std::future::Future;

use basics::config::{self, ConfigError};
use basics::{IndexedJoinSet, PanicPayload, TaskFailed};

/// What [`run_until_failures`] saw; every list holds input positions, sorted.
#[derive(Debug)]
#[must_use = "the report carries the failures"]
pub struct AbortReport<T, E> {
    /// The items that succeeded: `(position, value)`.
    pub succeeded: Vec<(usize, T)>,
    /// The items that returned an error: `(position, error)`.
    pub failed: Vec<(usize, E)>,
    /// The items that panicked (they count as failures): `(position, payload)`.
    pub panicked: Vec<(usize, PanicPayload)>,
    /// The items cancelled because the limit was reached.
    pub cancelled: Vec<usize>,
}

impl<T, E> AbortReport<T, E> {
    /// Whether the limit was reached and work was cancelled.
    pub fn aborted(&self) -> bool {
        !self.cancelled.is_empty()
    }
}

// ANCHOR: run_until_failures
/// Spawns every future as a task and collects the outcomes until `max_failures` items have
/// failed (an `Err` or a panic); then aborts every task still running and waits until each has
/// stopped. An empty input gives an empty report at once.
///
/// # Errors
/// [`ConfigError`] when `max_failures` is 0 or more than [`config::MAX_CAPACITY`]; nothing is
/// spawned.
///
/// # Panics
/// Outside a tokio runtime, as [`tokio::spawn`] does.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let start = tokio::time::Instant::now();
/// let report = errors_timeouts::run_until_failures(
///     (1..=10u64).map(|item| async move {
///         tokio::time::sleep(Duration::from_secs(item)).await;
///         if item.is_multiple_of(2) { Err(item) } else { Ok(item) }
///     }),
///     2,
/// )
/// .await?;
/// assert_eq!(report.failed, [(1, 2), (3, 4)]);
/// assert_eq!(report.cancelled.len(), 6);
/// assert_eq!(start.elapsed(), Duration::from_secs(4)); // not 10 s
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops the set of tasks, which aborts every task still running.
pub async fn run_until_failures<I, F, T, E>(
    futures: I,
    max_failures: usize,
) -> Result<AbortReport<T, E>, ConfigError>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let max_failures = config::count("max_failures", max_failures)?;
    // An `IndexedJoinSet` numbers the tasks in spawn order, which is input order.
    let mut set = IndexedJoinSet::new();
    for future in futures {
        set.spawn(future);
    }
    let mut report = AbortReport {
        succeeded: Vec::new(),
        failed: Vec::new(),
        panicked: Vec::new(),
        cancelled: Vec::new(),
    };
    let mut failures = 0;
    let mut aborting = false;
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((position, Ok(value))) => report.succeeded.push((position, value)),
            Ok((position, Err(error))) => {
                report.failed.push((position, error));
                failures += 1;
            }
            Err(TaskFailed::Panicked { index, payload }) => {
                report.panicked.push((index, payload));
                failures += 1;
            }
            // Only our own `abort_all` cancels these tasks.
            Err(TaskFailed::Cancelled { index }) => report.cancelled.push(index),
        }
        if !aborting && failures >= max_failures {
            // Abort, then keep joining: each aborted task comes back as "cancelled" once it has
            // really stopped and its destructors have run. A task that finished in the meantime
            // comes back with its output, which is kept.
            set.abort_all();
            aborting = true;
        }
    }
    report.succeeded.sort_by_key(|(position, _)| *position);
    report.failed.sort_by_key(|(position, _)| *position);
    report.panicked.sort_by_key(|(position, _)| *position);
    report.cancelled.sort_unstable();
    Ok(report)
}
// ANCHOR_END: run_until_failures
