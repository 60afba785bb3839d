//! Cancellation and cleanup: a cancelled future is dropped at its `.await`, and cleanup is
//! whatever runs on drop.
//!
//! Three tools:
//! - **Drop guards** ([`OnDrop`], [`on_drop`]): cleanup that must run however the future ends,
//!   returned or dropped. It is synchronous: there is no async `Drop`.
//! - **[`CancellationToken`](tokio_util::sync::CancellationToken)**: a cooperative request. The
//!   worker `select!`s on `token.cancelled()` at the points where stopping is safe and runs its
//!   async cleanup itself, then returns.
//! - **Abort and await** ([`stop_task`]): [`JoinHandle::abort`] drops the task at its next
//!   `.await`; awaiting the handle afterwards is how the caller knows it has stopped (and its
//!   guards have run).
//!
//! The lesson: `docs/errors-timeouts.md`, section *Cancellation and cleanup*.
//!
//! # See also
//! [`crate::shield`], [`crate::cancel_safety`].

use std::fmt;
use std::future::Future;

use basics::TaskFailed;
use tokio::task::JoinHandle;

// ANCHOR: on_drop
/// Runs a closure when dropped: cleanup for a future that may be cancelled at any `.await`.
///
/// # Examples
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// static CLEANED: AtomicBool = AtomicBool::new(false);
/// let work = async {
///     let _cleanup = errors_timeouts::on_drop(|| CLEANED.store(true, Ordering::SeqCst));
///     tokio::time::sleep(Duration::from_secs(10)).await;
/// };
/// // The timeout drops `work` at its sleep, and dropping it drops the guard.
/// assert!(tokio::time::timeout(Duration::from_secs(1), work).await.is_err());
/// assert!(CLEANED.load(Ordering::SeqCst));
/// # }
/// ```
#[must_use = "the closure runs when the guard is dropped; binding it to `_` drops it at once"]
pub struct OnDrop<F: FnOnce()> {
    cleanup: Option<F>,
}

/// A guard that runs `cleanup` when dropped; see [`OnDrop`].
#[must_use = "the closure runs when the guard is dropped; binding it to `_` drops it at once"]
pub fn on_drop<F: FnOnce()>(cleanup: F) -> OnDrop<F> {
    OnDrop {
        cleanup: Some(cleanup),
    }
}

impl<F: FnOnce()> OnDrop<F> {
    /// Forgets the cleanup: the work completed and nothing needs undoing.
    pub fn disarm(mut self) {
        self.cleanup = None;
    }
}

impl<F: FnOnce()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        if let Some(cleanup) = self.cleanup.take() {
            cleanup();
        }
    }
}

impl<F: FnOnce()> fmt::Debug for OnDrop<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnDrop")
            .field("armed", &self.cleanup.is_some())
            .finish()
    }
}
// ANCHOR_END: on_drop

// ANCHOR: stop_task
/// Aborts a task and waits until it has stopped.
///
/// When this returns, the task's future has been dropped (so its `Drop` guards have run), or it
/// had finished first and its output is returned.
///
/// # Errors
/// [`TaskFailed::Cancelled`] when the abort stopped it (the usual outcome);
/// [`TaskFailed::Panicked`] when it had panicked. `index` is always 0: one task.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use basics::TaskFailed;
/// use errors_timeouts::stop_task;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let task = tokio::spawn(tokio::time::sleep(Duration::from_secs(60)));
/// assert!(matches!(stop_task(task).await, Err(TaskFailed::Cancelled { .. })));
/// # }
/// ```
///
/// # Cancel safety
/// The abort is requested by the call, before the returned future is polled; dropping the
/// future (even unpolled) only stops waiting for the task to finish stopping.
pub fn stop_task<T>(handle: JoinHandle<T>) -> impl Future<Output = Result<T, TaskFailed>> {
    handle.abort();
    async move {
        handle
            .await
            .map_err(|error| TaskFailed::from_join_error(0, error))
    }
}
// ANCHOR_END: stop_task
