//! Shield: critical work that finishes, exactly once, even when its caller is cancelled.
//!
//! Spawn the critical work and await its handle. A spawned task does not belong to the future
//! that awaits it: when the caller is dropped (cancelled), the task keeps running to the end. The
//! caller's own cancellation is not touched: whoever dropped it (a timeout, a `select!`) sees
//! exactly what it would have seen. [`Shield`] keeps its tasks in a
//! [`TaskTracker`] so shutdown can wait for every shielded write ([`Shield::wait`]): nothing is
//! detached without a way to finish it.
//!
//! The lesson: `docs/errors-timeouts.md`, section *Shield*.
//!
//! # See also
//! [`crate::cancellation`].

use std::future::Future;

use basics::TaskFailed;
use tokio_util::task::TaskTracker;

// ANCHOR: shield
/// Runs critical work as tasks that outlive their callers, and lets shutdown wait for them.
///
/// Cheap to clone: clones share one set of shielded tasks (a [`TaskTracker`], an `Arc`
/// inside). A shield has no `close` and no `shutdown(self)`, unlike the workspace's other types
/// with background work: refusing work would give `run` an error that the work it exists for
/// (a write that must happen) has no use for, and dropping a handle must not stop shielded
/// work. So work can be shielded at any time, also while someone [`wait`](Shield::wait)s
/// (`wait` is the shutdown's wait, on any clone), and dropping every handle stops nothing:
/// shielded work finishes, or is cut only when its runtime shuts down.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use errors_timeouts::Shield;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let start = tokio::time::Instant::now();
/// let shield = Shield::new();
/// let write = shield.run(async {
///     tokio::time::sleep(Duration::from_secs(2)).await;
///     "written"
/// });
/// // The caller gives up after 1 s ...
/// assert!(tokio::time::timeout(Duration::from_secs(1), write).await.is_err());
/// // ... but the write goes on; shutdown waits for it.
/// shield.wait().await;
/// assert_eq!(start.elapsed(), Duration::from_secs(2));
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Shield {
    tracker: TaskTracker,
}

impl Default for Shield {
    fn default() -> Shield {
        Shield::new()
    }
}

impl Shield {
    /// A shield with no work yet. Starts nothing.
    pub fn new() -> Shield {
        let tracker = TaskTracker::new();
        // Closed once, for good: a closed tracker still tracks every task spawned on it, and
        // only a closed tracker's `wait` can return. (Closing and reopening around each wait
        // would let one waiter reopen it under another, which then waits forever.)
        tracker.close();
        Shield { tracker }
    }

    /// Spawns `work` at once and waits for its output.
    ///
    /// The work starts when `run` is called (not when the returned future is first polled), so
    /// it runs even if the caller is cancelled before its first `.await`.
    ///
    /// # Errors
    /// [`TaskFailed::Panicked`] when the work panics (the payload can be re-raised);
    /// [`TaskFailed::Cancelled`] when the runtime shuts down before it finishes. `index` is
    /// always 0: each call shields one task.
    ///
    /// # Panics
    /// Outside a tokio runtime, as [`tokio::spawn`] does.
    ///
    /// # Cancel safety
    /// Dropping the returned future does not stop the work: that is the point. Its output is then
    /// dropped when it finishes.
    #[track_caller]
    pub fn run<F>(&self, work: F) -> impl Future<Output = Result<F::Output, TaskFailed>> + use<F>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let handle = self.tracker.spawn(work);
        async move {
            handle
                .await
                .map_err(|error| TaskFailed::from_join_error(0, error))
        }
    }

    /// How many shielded tasks are still running.
    pub fn in_flight(&self) -> usize {
        self.tracker.len()
    }

    /// Waits until no shielded task is running (for shutdown). Work shielded while waiting is
    /// waited for too: `wait` returns only when it sees no shielded task at all. (Work
    /// shielded after it has returned is not: shut down the callers that shield first.)
    ///
    /// # Cancel safety
    /// Cancel-safe: dropping it only stops the waiting.
    pub async fn wait(&self) {
        // The tracker's `wait` is woken when its last task ends, and is then ready even if new
        // work was shielded before this task was polled again (a caller woken by the same
        // ending, say, that shields its next step): check, and wait again.
        while !self.tracker.is_empty() {
            self.tracker.wait().await;
        }
    }
}
// ANCHOR_END: shield
