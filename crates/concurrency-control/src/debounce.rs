//! Debounce: run an action once, with the latest value, after a quiet period with no new calls.
//!
//! # Python
//! ```python
//! class Debouncer:
//!     def __init__(self, delay, action):
//!         self.delay, self.action, self.task = delay, action, None
//!
//!     def call(self, value):
//!         if self.task:
//!             self.task.cancel()               # a new edit restarts the quiet period
//!         self.task = asyncio.create_task(self._later(value))
//!
//!     async def _later(self, value):
//!         await asyncio.sleep(self.delay)
//!         await self.action(value)            # really awaited, not just created
//! ```
//!
//! # Rust
//! [`Debouncer`] owns one background task. [`Debouncer::call`] stores the latest value and pokes
//! the task through a [`Notify`]; the task waits for the first call, then loops on a `select!`
//! between the quiet-period `sleep` and the next poke, which restarts it. When the sleep wins it
//! takes the latest value and *awaits* the action: it runs, once, after the quiet period.
//!
//! # Differences
//! - The common Python rendition creates the delayed coroutine and never awaits it (defect 7), so
//!   the save never happens. Here the action is awaited by the owned task, and a test checks it
//!   ran exactly once.
//! - No task per call: one task, one timer, whatever the number of calls.
//! - Dropping the [`Debouncer`] aborts its task (a pending call is lost);
//!   [`Debouncer::shutdown`] runs a pending call at once, then stops, and reports a panic in
//!   the action as a [`TaskFailed`].
//! - The quiet period is checked when the debouncer is spawned: zero (no debouncing at all) and
//!   anything past a year are a [`ConfigError`].
//!
//! # Pitfalls
//! - Calls that arrive while the action runs start a new quiet period after it; they are not
//!   lost, and the action never runs twice at once.
//!
//! # In production
//! The same task-plus-`select!` shape; for throttling (at most one call per period) see
//! [`RateLimiter`](crate::RateLimiter) and tokio-stream's `throttle`.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use basics::TaskFailed;
use basics::config::{self, ConfigError};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;

struct Shared<T> {
    latest: Mutex<Option<T>>,
    poke: Notify,
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
/// Dropping the debouncer aborts its task: a pending call is lost, a running action is cut.
#[derive(Debug)]
#[must_use = "dropping the debouncer stops its task"]
pub struct Debouncer<T> {
    shared: Arc<Shared<T>>,
    stop: CancellationToken,
    // Dropping the handle aborts the task: nothing outlives the debouncer.
    task: AbortOnDropHandle<()>,
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
            latest: Mutex::new(None),
            poke: Notify::new(),
        });
        let stop = CancellationToken::new();
        let task = tokio::spawn({
            let shared = Arc::clone(&shared);
            let stop = stop.clone();
            async move {
                loop {
                    // Wait for a first call (a stored permit covers a call made before this
                    // point), or for shutdown.
                    tokio::select! {
                        biased; // Fixed order: the same branch wins every run on the paused clock.
                        () = stop.cancelled() => break,
                        () = shared.poke.notified() => {}
                    }
                    // Every new call restarts the quiet period.
                    loop {
                        tokio::select! {
                            biased;
                            () = stop.cancelled() => break,
                            () = shared.poke.notified() => {}
                            () = tokio::time::sleep(quiet) => break,
                        }
                    }
                    let latest = shared
                        .latest
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .take();
                    if let Some(value) = latest {
                        action(value).await;
                    }
                    if stop.is_cancelled() {
                        break;
                    }
                }
                // Shutdown: a call still pending runs now rather than being lost.
                let latest = shared
                    .latest
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                if let Some(value) = latest {
                    action(value).await;
                }
            }
        });
        Ok(Debouncer {
            shared,
            stop,
            task: AbortOnDropHandle::new(task),
        })
    }

    /// Records `value` as the latest and restarts the quiet period.
    pub fn call(&self, value: T) {
        *self
            .shared
            .latest
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(value);
        self.shared.poke.notify_one();
    }

    /// Runs a pending call at once, waits for the action to finish, and stops the task.
    ///
    /// # Errors
    /// [`TaskFailed::Panicked`] (index 0) when the action panicked, now or earlier: the task
    /// stopped then, and later calls were never run.
    ///
    /// # Cancel safety
    /// A drop while waiting aborts the task, and with it a running action.
    pub async fn shutdown(self) -> Result<(), TaskFailed> {
        self.stop.cancel();
        self.task
            .await
            .map_err(|failed| TaskFailed::from_join_error(0, failed))
    }
}
// ANCHOR_END: debouncer

impl<T> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}
