//! Debounce: run an action once, with the latest value, after a quiet period with no new calls.
//!
//! [`Debouncer::spawn`] starts one task; [`Debouncer::call`] stores the latest value and restarts
//! the quiet period; when the period ends, the task awaits the action with that value.
//! [`Debouncer::shutdown`] runs a pending call at once and reports a panic in the action as a
//! [`TaskFailed`]; dropping the last clone aborts the task, and a pending call is lost.
//!
//! The lesson: `docs/concurrency-control.md`, section *Debounce and throttle*.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use basics::config::{self, ConfigError};
use basics::{PanicPayload, TaskFailed};
use futures::FutureExt;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;

/// What the task and every clone share.
struct Shared<T> {
    state: Mutex<State<T>>,
    poke: Notify,
    /// Cancelled by `shutdown`: the task runs a pending call and ends.
    stop: CancellationToken,
    /// Cancelled when the task ends, however it ends.
    stopped: CancellationToken,
}

struct State<T> {
    latest: Option<T>,
    /// No call is taken any more: a shutdown began or the task ended.
    closed: bool,
    /// The action's panic, until a `shutdown` reports it.
    failed: Option<TaskFailed>,
}

impl<T> Shared<T> {
    fn state(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Held by the task: however it ends, later calls are refused and `shutdown` stops waiting.
struct Stopped<T>(Arc<Shared<T>>);

impl<T> Drop for Stopped<T> {
    fn drop(&mut self) {
        self.0.state().closed = true;
        self.0.stopped.cancel();
    }
}

// ANCHOR: debouncer
/// Runs an async action with the latest value once calls have been quiet for a period.
///
/// # Examples
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let saves = Arc::new(AtomicU32::new(0));
/// let counted = Arc::clone(&saves);
/// let debouncer = concurrency_control::Debouncer::spawn(Duration::from_millis(300), move |_text: String| {
///     let counted = Arc::clone(&counted);
///     async move { counted.fetch_add(1, Ordering::SeqCst); }
/// })?;
/// for text in ["h", "he", "hel"] {
///     debouncer.call(text.to_owned());
///     tokio::time::sleep(Duration::from_millis(100)).await;
/// }
/// debouncer.shutdown().await?;
/// assert_eq!(saves.load(Ordering::SeqCst), 1);
/// # Ok(())
/// # }
/// ```
///
/// A cheap `Clone` handle: clones share one task and one latest value, so many tasks can call
/// one debouncer. Dropping the last clone aborts the task: a pending call is lost, a running
/// action is cut. [`shutdown`](Debouncer::shutdown) from any clone closes the debouncer for
/// every clone.
#[derive(Debug)]
#[must_use = "dropping the last clone of the debouncer stops its task"]
pub struct Debouncer<T> {
    inner: Arc<Inner<T>>,
}

#[derive(Debug)]
struct Inner<T> {
    shared: Arc<Shared<T>>,
    // Dropping the last clone aborts the task: nothing outlives the debouncer.
    _task: AbortOnDropHandle<()>,
}

impl<T> Clone for Debouncer<T> {
    fn clone(&self) -> Self {
        Debouncer {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T: Send + 'static> Debouncer<T> {
    /// Spawns the debouncing task on the current runtime: `action` runs with the latest value
    /// once calls have been quiet for `quiet`.
    ///
    /// # Errors
    /// [`ConfigError`] for a `quiet` period of zero or past
    /// [`MAX_DURATION`](config::MAX_DURATION).
    ///
    /// # Panics
    /// Outside a tokio runtime, as [`tokio::spawn`] does.
    #[track_caller]
    pub fn spawn<F, Fut>(quiet: Duration, mut action: F) -> Result<Debouncer<T>, ConfigError>
    where
        F: FnMut(T) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let quiet = config::duration("quiet", quiet)?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                latest: None,
                closed: false,
                failed: None,
            }),
            poke: Notify::new(),
            stop: CancellationToken::new(),
            stopped: CancellationToken::new(),
        });
        let task = tokio::spawn({
            let shared = Arc::clone(&shared);
            async move {
                let _stopped = Stopped(Arc::clone(&shared)); // also when the task is aborted
                loop {
                    // Wait for a first call (a stored permit covers a call made before this
                    // point), or for shutdown.
                    tokio::select! {
                        biased; // Fixed order: the same branch wins every run on the paused clock.
                        () = shared.stop.cancelled() => break,
                        () = shared.poke.notified() => {}
                    }
                    // ANCHOR: debounce_key
                    // Every new call restarts the quiet period.
                    loop {
                        tokio::select! {
                            biased;
                            () = shared.stop.cancelled() => break,
                            () = shared.poke.notified() => {}
                            () = tokio::time::sleep(quiet) => break,
                        }
                    }
                    let latest = shared.state().latest.take();
                    if let Some(value) = latest
                        && let Err(failed) = run(&mut action, value).await
                    {
                        shared.state().failed = Some(failed); // for `shutdown`
                        return; // A panicking action stops the task.
                    }
                    // ANCHOR_END: debounce_key
                    if shared.stop.is_cancelled() {
                        break;
                    }
                }
                // Shutdown: a call still pending runs now rather than being lost.
                let latest = shared.state().latest.take();
                if let Some(value) = latest
                    && let Err(failed) = run(&mut action, value).await
                {
                    shared.state().failed = Some(failed);
                }
            }
        });
        Ok(Debouncer {
            inner: Arc::new(Inner {
                shared,
                _task: AbortOnDropHandle::new(task),
            }),
        })
    }

    /// Records `value` as the latest and restarts the quiet period.
    ///
    /// Returns `false`, and drops `value`, once the debouncer is closed: a
    /// [`shutdown`](Debouncer::shutdown) from any clone has begun, or the action panicked and
    /// the task stopped. A `true` call runs unless a later call replaces its value first (or
    /// the last clone is dropped before it runs).
    pub fn call(&self, value: T) -> bool {
        let shared = &self.inner.shared;
        {
            let mut state = shared.state();
            if state.closed {
                return false;
            }
            state.latest = Some(value);
        }
        shared.poke.notify_one();
        true
    }

    /// Closes the debouncer for every clone, runs a pending call at once, waits for the action
    /// to finish, and stops the task.
    ///
    /// Several clones may shut down at once: each waits for the task to stop.
    ///
    /// # Errors
    /// [`TaskFailed::Panicked`] (index 0) when the action panicked, now or earlier: the task
    /// stopped then, and later calls were never run. A panic is reported once, to the first
    /// `shutdown` that returns after it; any other returns `Ok(())`.
    ///
    /// # Cancel safety
    /// A drop while waiting drops this clone: the task, and with it a running action, is
    /// aborted when it was the last one, and otherwise finishes the pending call.
    pub async fn shutdown(self) -> Result<(), TaskFailed> {
        let shared = &self.inner.shared;
        shared.state().closed = true;
        shared.stop.cancel();
        // Ends when the task does; this clone keeps it from being aborted meanwhile.
        shared.stopped.cancelled().await;
        shared.state().failed.take().map_or(Ok(()), Err)
    }
}

/// Runs the action once; a panic, in `action` or in its future, becomes the
/// [`TaskFailed::Panicked`] (index 0) that [`Debouncer::shutdown`] reports. Nothing is observed
/// after a panic but its payload, so unwind safety is not at stake.
async fn run<T, F, Fut>(action: &mut F, value: T) -> Result<(), TaskFailed>
where
    F: FnMut(T) -> Fut,
    Fut: Future<Output = ()>,
{
    AssertUnwindSafe(async { action(value).await })
        .catch_unwind()
        .await
        .map_err(|payload| TaskFailed::Panicked {
            index: 0,
            payload: PanicPayload::new(payload),
        })
}
// ANCHOR_END: debouncer

impl<T> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}
