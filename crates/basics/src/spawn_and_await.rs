//! Spawn and await later: start a task now, do other work, collect its result when needed.
//!
//! [`tokio::spawn`] hands the future to the runtime as a task and returns a [`JoinHandle`];
//! awaiting the handle gives `Result<T, JoinError>` (an `Err` when the task panicked or was
//! aborted). Dropping a `JoinHandle` detaches the task. [`OwnedTask`] is a handle that aborts its
//! task when dropped, so a task cannot be left running by accident, and reports a panic or an
//! abort as a [`TaskFailed`].
//!
//! The lesson: `docs/basics.md`, section *Spawn and await later*.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::task::{Id, JoinHandle};

use crate::task::TaskFailed;

// ANCHOR: owned_task
/// A spawned task that is aborted when this handle is dropped: it cannot be detached by
/// accident.
///
/// Await it for the task's output, or a [`TaskFailed`] (with `index` 0: the handle owns one
/// task) when the task panicked or was aborted. [`detach`](OwnedTask::detach) gives back a plain
/// [`JoinHandle`] for a task that must outlive its owner on purpose.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use basics::OwnedTask;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::TaskFailed> {
/// let report = OwnedTask::spawn(async {
///     tokio::time::sleep(Duration::from_secs(1)).await;
///     "report ready"
/// });
/// // ... other work while the task runs ...
/// assert_eq!(report.await?, "report ready");
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping an `OwnedTask`, or a future awaiting it, aborts the task: it stops at its next
/// `.await` and its output is lost.
#[derive(Debug)]
#[must_use = "dropping an OwnedTask aborts its task at once"]
pub struct OwnedTask<T> {
    // `None` only after `detach` moved the handle out, and `detach` consumes `self`, so every
    // method that runs sees `Some`.
    handle: Option<JoinHandle<T>>,
}

impl<T: Send + 'static> OwnedTask<T> {
    /// Spawns `future` on the current runtime, like [`tokio::spawn`].
    ///
    /// # Panics
    /// When called outside a tokio runtime, as `tokio::spawn` does.
    #[track_caller]
    pub fn spawn<F>(future: F) -> OwnedTask<T>
    where
        F: Future<Output = T> + Send + 'static,
    {
        OwnedTask {
            handle: Some(tokio::spawn(future)),
        }
    }
}

impl<T> OwnedTask<T> {
    /// Asks the task to stop at its next `.await`; awaiting this handle then gives
    /// [`TaskFailed::Cancelled`] (or the output, if the task had already finished).
    pub fn abort(&self) {
        if let Some(handle) = &self.handle {
            handle.abort();
        }
    }

    /// Whether the task has finished (returned, panicked or been cancelled).
    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// The task's id, the same one `tokio::task::id()` returns inside it.
    pub fn id(&self) -> Option<Id> {
        self.handle.as_ref().map(JoinHandle::id)
    }

    /// Gives up ownership: the task keeps running after the returned handle is dropped.
    pub fn detach(mut self) -> JoinHandle<T> {
        // `self` is dropped right after with `handle == None`, so its `Drop` aborts nothing.
        self.handle
            .take()
            .expect("only `detach` takes the handle, and it consumes the task")
    }
}
// ANCHOR_END: owned_task

impl<T> Future for OwnedTask<T> {
    type Output = Result<T, TaskFailed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.handle.as_mut() {
            // `JoinHandle` is `Unpin`, so polling it through `&mut` is fine.
            Some(handle) => Pin::new(handle)
                .poll(cx)
                .map(|joined| joined.map_err(|error| TaskFailed::from_join_error(0, error))),
            None => Poll::Ready(Err(TaskFailed::Cancelled { index: 0 })),
        }
    }
}

impl<T> Drop for OwnedTask<T> {
    fn drop(&mut self) {
        // Aborting a finished task does nothing, so there is no need to check first.
        self.abort();
    }
}
