//! Sync code calling async: a synchronous function that needs the result of an async one.
//!
//! - [`block_on`]: `asyncio.run` for sync code: builds a `current_thread` runtime, runs the future
//!   to completion and drops the runtime. It refuses, with [`BlockOnError::InsideRuntime`], to run
//!   inside a runtime, where tokio's own `block_on` panics with "Cannot start a runtime from
//!   within a runtime".
//! - [`AsyncBridge`]: a runtime kept on a dedicated thread and fed through a bounded channel, for
//!   sync code that calls async code many times (a sync library facade over an async client).
//!   Any number of plain threads call it through [`BridgeHandle`]s; dropping the bridge shuts
//!   the runtime down and joins its thread.
//!
//! [`blocking_work`](crate::blocking_work) goes the other direction.
//!
//! The lesson: `docs/basics.md`, section *Sync code calling async*.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::thread::JoinHandle;

use futures::FutureExt;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

use crate::task::PanicPayload;

/// Why [`block_on`] could not run its future.
#[derive(Debug, thiserror::Error)]
pub enum BlockOnError {
    /// The calling thread already has a tokio runtime context: it drives a runtime (blocking it
    /// would panic, nested runtime, or stall every task of that runtime) or it is one of a
    /// runtime's `spawn_blocking` threads. Async code should `.await` the future; a
    /// `spawn_blocking` closure can use `tokio::runtime::Handle::current().block_on(..)`.
    #[error("called from inside a tokio runtime, where blocking on a future would panic")]
    InsideRuntime,
    /// The runtime could not be built.
    #[error("could not build a tokio runtime")]
    Build(#[source] std::io::Error),
}

/// Why a call through an [`AsyncBridge`] (or a [`BridgeHandle`]) gave no output.
#[derive(Debug, thiserror::Error)]
pub enum AsyncBridgeError {
    /// The calling thread already has a tokio runtime context, as for
    /// [`BlockOnError::InsideRuntime`]: blocking it would stall that runtime.
    #[error("called from inside a tokio runtime, where blocking on a future would panic")]
    InsideRuntime,
    /// The bridge's runtime has shut down (its [`AsyncBridge`] was dropped).
    #[error("the bridge's runtime is gone")]
    RuntimeGone,
    /// The future panicked; the runtime survived it. The payload can be re-raised with
    /// [`PanicPayload::resume`].
    #[error("the future panicked: {0}")]
    Panicked(PanicPayload),
}

/// Whether this thread has a tokio runtime context.
///
/// tokio has no public test for "this thread is driving a runtime"; `Handle::try_current` also
/// answers yes on a `spawn_blocking` thread, where blocking would be allowed. Refusing there too
/// is the conservative choice: such code already has a handle to `block_on` with.
fn inside_runtime() -> bool {
    tokio::runtime::Handle::try_current().is_ok()
}

// ANCHOR: block_on
/// Runs `future` to completion on a fresh `current_thread` runtime, from sync code: the
/// `asyncio.run` of tokio. The runtime is dropped before returning.
///
/// # Errors
/// - [`BlockOnError::InsideRuntime`] when called on a thread that drives a runtime (where
///   `Runtime::block_on` would panic with "Cannot start a runtime from within a runtime").
/// - [`BlockOnError::Build`] when the runtime cannot be built.
///
/// # Examples
/// ```
/// fn load_config() -> Result<String, basics::BlockOnError> {
///     basics::block_on(async { "retries = 3".to_owned() })
/// }
///
/// // From sync code it runs the future.
/// assert_eq!(load_config()?, "retries = 3");
///
/// // From async code it refuses instead of panicking.
/// let runtime = tokio::runtime::Builder::new_current_thread().build()?;
/// let refused = runtime.block_on(async { load_config() });
/// assert!(matches!(refused, Err(basics::BlockOnError::InsideRuntime)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn block_on<F: Future>(future: F) -> Result<F::Output, BlockOnError> {
    if inside_runtime() {
        return Err(BlockOnError::InsideRuntime);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(BlockOnError::Build)?;
    Ok(runtime.block_on(future))
}
// ANCHOR_END: block_on

type Job = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// How many calls may wait for the bridge's runtime to pick them up.
const QUEUE: usize = 64;

// ANCHOR: bridge
/// A tokio runtime on a dedicated thread that sync code calls through a bounded channel.
///
/// Dropping the bridge (or calling [`shutdown`](AsyncBridge::shutdown)) stops the runtime:
/// futures still running are cancelled, their callers get [`AsyncBridgeError::RuntimeGone`], and
/// the thread is joined. Blocking jobs that calls started with `spawn_blocking` cannot be cancelled:
/// they are left to finish on their own threads, and the drop does not wait for them.
///
/// # Examples
/// ```
/// use basics::AsyncBridge;
///
/// let bridge = AsyncBridge::spawn()?;
/// let handle = bridge.handle();
/// let answer = std::thread::spawn(move || handle.call(async { 6 * 7 })).join().unwrap()?;
/// assert_eq!(answer, 42);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[must_use = "dropping the bridge stops its runtime"]
pub struct AsyncBridge {
    handle: BridgeHandle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// A cloneable, `Send` way to call an [`AsyncBridge`] from any thread; it outlives the bridge,
/// after which its calls return [`AsyncBridgeError::RuntimeGone`].
#[derive(Debug, Clone)]
pub struct BridgeHandle {
    jobs: mpsc::Sender<Job>,
}

impl AsyncBridge {
    /// Starts a `current_thread` runtime on a new thread.
    ///
    /// # Errors
    /// The operating system's error when the runtime or its thread cannot be started (there is
    /// nothing to configure, so nothing else can fail).
    pub fn spawn() -> std::io::Result<AsyncBridge> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (jobs, mut incoming) = mpsc::channel::<Job>(QUEUE);
        let (stop, mut stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("async-bridge".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    // Every call is a task of this set: none is detached, all stop with it.
                    let mut calls = JoinSet::new();
                    loop {
                        tokio::select! {
                            // A stop request or a dropped bridge: leave at once.
                            _ = &mut stopped => break,
                            job = incoming.recv() => match job {
                                Some(job) => drop(calls.spawn(job)),
                                None => break,
                            },
                            // Reap finished calls so the set does not grow.
                            Some(_) = calls.join_next(), if !calls.is_empty() => {}
                        }
                    }
                    // Dropping `calls` aborts the calls still running; their callers see
                    // `RuntimeGone` when the reply channel closes.
                });
                // Not a plain drop: dropping a runtime waits, without limit, for every
                // `spawn_blocking` job a call started (`tokio::fs` uses them too), and such a job
                // cannot be cancelled. The calls' tasks are still dropped here; blocking jobs
                // finish on their own, and the bridge's drop does not hang on them.
                runtime.shutdown_background();
            })?;
        Ok(AsyncBridge {
            handle: BridgeHandle { jobs },
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// A handle for other threads.
    pub fn handle(&self) -> BridgeHandle {
        self.handle.clone()
    }

    /// Runs `future` on the bridge's runtime and blocks the calling thread until it is done.
    /// See [`BridgeHandle::call`].
    ///
    /// # Errors
    /// As [`BridgeHandle::call`].
    pub fn call<F>(&self, future: F) -> Result<F::Output, AsyncBridgeError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.call(future)
    }

    /// Stops the runtime (cancelling the calls still running) and joins its thread; the same as
    /// dropping the bridge.
    ///
    /// Not `async`, unlike the workspace's other `shutdown`s: the bridge is owned by sync code,
    /// which has no runtime to await on.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for AsyncBridge {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The runtime may already be gone; then there is nothing to stop.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // The runtime thread leaves its loop at once and cancels what runs, so this join is
            // short. It cannot carry a panic: calls' panics are caught inside their tasks.
            let _ = thread.join();
        }
    }
}

impl BridgeHandle {
    /// Runs `future` on the bridge's runtime and blocks the calling thread until it is done.
    ///
    /// # Errors
    /// - [`AsyncBridgeError::InsideRuntime`] when called on a thread with a tokio runtime
    ///   context (blocking a runtime thread would stall that runtime).
    /// - [`AsyncBridgeError::RuntimeGone`] when the bridge was dropped before or during the call.
    /// - [`AsyncBridgeError::Panicked`] when the future panicked.
    pub fn call<F>(&self, future: F) -> Result<F::Output, AsyncBridgeError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        if inside_runtime() {
            return Err(AsyncBridgeError::InsideRuntime);
        }
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::pin(async move {
            let outcome = AssertUnwindSafe(future).catch_unwind().await;
            // The caller may be gone: then nobody wants the answer.
            let _ = reply.send(outcome);
        });
        // Both calls block this (non-runtime) thread, which is what a sync caller expects.
        self.jobs
            .blocking_send(job)
            .map_err(|_| AsyncBridgeError::RuntimeGone)?;
        match answer.blocking_recv() {
            Ok(Ok(output)) => Ok(output),
            Ok(Err(payload)) => Err(AsyncBridgeError::Panicked(PanicPayload::new(payload))),
            Err(_) => Err(AsyncBridgeError::RuntimeGone),
        }
    }
}
// ANCHOR_END: bridge
