//! Blocking the runtime: a blocking call inside async code holds its worker thread, and every
//! task queued on that thread waits; on a `current_thread` runtime, that is every task.
//!
//! `std::thread::sleep` stands in here for any blocking call (std file or socket I/O, a
//! synchronous client, a long computation). The fixes: `spawn_blocking` (any flavor),
//! `tokio::fs` for files, `block_in_place` (multi-thread runtime only). clippy's
//! `disallowed_methods` (with `std::thread::sleep` in `clippy.toml`) and `cargo xtask
//! lint-async` catch the wrong version; the `testing::StallMonitor` measures it.
//!
//! The lesson: `docs/pitfalls.md`, section *Blocking the runtime*.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// One request's blocking work: how long it takes, and whether it is over. Clones share the flag.
#[derive(Debug, Clone)]
pub struct Work {
    /// How long the work blocks its thread.
    pub duration: Duration,
    done: Arc<AtomicBool>,
}

impl Work {
    /// Work that blocks for `duration` and is not done yet.
    pub fn new(duration: Duration) -> Work {
        Work {
            duration,
            done: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Whether the blocking part is over.
    pub fn is_done(&self) -> bool {
        self.done.load(Ordering::SeqCst)
    }

    fn finish(&self) {
        self.done.store(true, Ordering::SeqCst);
    }
}

// ANCHOR: wrong
/// WRONG: the blocking call runs on the runtime's thread, between two `.await`s.
#[expect(
    clippy::disallowed_methods,
    reason = "the pitfall: clippy.toml disallows std::thread::sleep for exactly this"
)]
pub async fn handle_blocking(work: Work) {
    std::thread::sleep(work.duration); // lint-async: allow(wrong version of the pitfall)
    work.finish();
    tokio::task::yield_now().await; // then the reply is written
}
// ANCHOR_END: wrong

// ANCHOR: right
/// RIGHT: the blocking call runs on tokio's blocking pool; this task waits without holding its
/// worker thread.
///
/// # Panics
/// When the blocking work panics: its panic is resumed here.
///
/// # Cancel safety
/// Dropping the future does not stop the blocking work: it runs to its end on its thread.
#[allow(
    clippy::disallowed_methods,
    reason = "the blocking call, moved off the runtime: what spawn_blocking is for"
)]
pub async fn handle_offloaded(work: Work) {
    let blocking = work.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        std::thread::sleep(blocking.duration);
        blocking.finish();
    })
    .await;
    // A panic in the work is this handler's panic; a cancellation (the runtime shutting down)
    // leaves nothing to report.
    if let Err(error) = outcome
        && let Ok(panic) = error.try_into_panic()
    {
        std::panic::resume_unwind(panic);
    }
    tokio::task::yield_now().await;
}

/// RIGHT, on a multi-thread runtime only: `block_in_place` hands this worker's other tasks to
/// another worker, then blocks here.
///
/// # Panics
/// On a `current_thread` runtime ("can call blocking only when running on the multi-threaded
/// runtime"): there is no other worker to take the tasks.
#[allow(
    clippy::disallowed_methods,
    reason = "the blocking call, with the runtime told first: what block_in_place is for"
)]
pub async fn handle_in_place(work: Work) {
    tokio::task::block_in_place(|| {
        std::thread::sleep(work.duration);
        work.finish();
    });
    tokio::task::yield_now().await;
}
// ANCHOR_END: right

// ANCHOR: fs
/// WRONG: `std::fs` in async code blocks the thread for as long as the disk takes.
///
/// # Errors
/// The file's I/O error.
#[expect(
    clippy::unused_async,
    reason = "the pitfall: an async fn whose only work is a blocking call has no .await"
)]
pub async fn read_config_blocking(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path) // lint-async: allow(wrong version of the pitfall)
}

/// RIGHT: `tokio::fs` runs the same std call on the blocking pool and awaits it.
///
/// # Errors
/// The file's I/O error.
///
/// # Cancel safety
/// Dropping the future leaves the read to finish on the blocking pool; its result is dropped.
pub async fn read_config(path: &Path) -> std::io::Result<String> {
    tokio::fs::read_to_string(path).await
}
// ANCHOR_END: fs

// ANCHOR: scenario
/// Serves `slow` (a handler of `work`) and a quick request that arrived with it, on one task
/// with `join!` (the slow one polled first), and says whether the quick one waited until the
/// blocking work was over.
pub async fn quick_waited_for(work: &Work, slow: impl Future<Output = ()>) -> bool {
    let ((), waited) = tokio::join!(slow, async { work.is_done() });
    waited
}
// ANCHOR_END: scenario
