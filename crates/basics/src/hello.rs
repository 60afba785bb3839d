//! Hello: the entry point. A runtime runs `async fn main` to completion.
//!
//! # Python
//! ```python
//! async def main():
//!     print("hello")
//!     await asyncio.sleep(1)
//!     print("world")
//!
//! asyncio.run(main())
//! ```
//!
//! # Rust
//! `#[tokio::main]` turns `async fn main` into a plain `fn main` that builds a [`Runtime`] and
//! calls [`Runtime::block_on`] on the body. [`run`] is that expansion written out, with the
//! runtime's [`Flavor`] as a typed value:
//! - [`Flavor::CurrentThread`] (`#[tokio::main(flavor = "current_thread")]`): every task runs on
//!   the calling thread, like asyncio's single event loop;
//! - [`Flavor::MultiThread`] (plain `#[tokio::main]`): a pool of worker threads (one per core by
//!   default) steals tasks from each other, so spawned tasks run in parallel.
//!
//! # Differences
//! - There is no global event loop: a runtime is a value. Build it once at the top of the program
//!   and call `block_on` once; everything else is `.await` or `tokio::spawn`.
//! - When `block_on` returns, the runtime is dropped and every task still spawned on it is
//!   cancelled at its next `.await`. `asyncio.run` cancels leftover tasks the same way.
//! - On the multi-thread flavor spawned futures run on other threads, hence their `Send` bound.
//!
//! # Pitfalls
//! - Calling `block_on` (or `asyncio.run`) from inside a runtime panics in tokio; [`run`] refuses
//!   with [`RuntimeError::InsideRuntime`] instead (tested in `tests/hello.rs`).
//! - `Builder::worker_threads(0)` panics; [`Flavor::MultiThread`] with `workers: 0` is
//!   [`RuntimeError::Config`] holding [`ConfigError::Zero`], and more than [`MAX_THREADS`]
//!   a [`ConfigError::TooLarge`].
//! - The paused clock (`start_paused`) needs the current-thread flavor: the examples of this
//!   workspace call `testing::run_example`, which builds that runtime, paused when the golden
//!   transcripts are checked.
//!
//! # In production
//! `#[tokio::main]` for a binary, `#[tokio::test]` for a test; build the runtime by hand (as
//! [`run`] does) when the program must choose its flavor or thread count at run time.

use std::future::Future;

use tokio::runtime::{Builder, Runtime};

use crate::blocking_work::MAX_THREADS;
use crate::config::{self, ConfigError};

/// Which scheduler a runtime uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// Every task runs on the thread that calls `block_on`.
    CurrentThread,
    /// A pool of `workers` threads that steal tasks from each other.
    MultiThread {
        /// The number of worker threads: `1..=`[`MAX_THREADS`].
        workers: usize,
    },
}

/// Why [`run`] or [`Flavor::build`] could not provide a runtime.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// [`Flavor::MultiThread`] was asked for no worker threads, or more than [`MAX_THREADS`].
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The calling thread is already inside a runtime, where `block_on` would panic.
    #[error("cannot start a runtime from inside a runtime: await the future instead")]
    InsideRuntime,
    /// The operating system refused a thread or the timer.
    #[error("the runtime could not be built")]
    Build(#[source] std::io::Error),
}

impl Flavor {
    /// The flavor of the runtime this thread is running on, if any.
    ///
    /// The multi-thread flavor reports its real worker count.
    ///
    /// # Examples
    /// ```
    /// use basics::Flavor;
    ///
    /// #[tokio::main(flavor = "current_thread")]
    /// async fn main() {
    ///     assert_eq!(Flavor::current(), Some(Flavor::CurrentThread));
    ///     // A plain thread is outside every runtime.
    ///     let outside = std::thread::spawn(Flavor::current).join();
    ///     assert_eq!(outside.ok(), Some(None));
    /// }
    /// ```
    pub fn current() -> Option<Flavor> {
        let handle = tokio::runtime::Handle::try_current().ok()?;
        Some(match handle.runtime_flavor() {
            tokio::runtime::RuntimeFlavor::MultiThread => Flavor::MultiThread {
                workers: handle.metrics().num_workers(),
            },
            // The current-thread flavor, and any flavor tokio adds later, run on one thread.
            _ => Flavor::CurrentThread,
        })
    }

    /// Builds a runtime of this flavor with its timer and I/O drivers enabled (what
    /// `#[tokio::main]` does).
    ///
    /// # Errors
    /// [`RuntimeError::Config`] for `MultiThread { workers }` outside `1..=`[`MAX_THREADS`],
    /// [`RuntimeError::Build`] when the operating system refuses a thread.
    ///
    /// # Examples
    /// ```
    /// use basics::{ConfigError, Flavor, RuntimeError};
    ///
    /// let runtime = Flavor::MultiThread { workers: 2 }.build()?;
    /// assert_eq!(runtime.metrics().num_workers(), 2);
    /// assert!(matches!(
    ///     Flavor::MultiThread { workers: 0 }.build(),
    ///     Err(RuntimeError::Config(ConfigError::Zero { name: "workers" }))
    /// ));
    /// # Ok::<(), RuntimeError>(())
    /// ```
    pub fn build(self) -> Result<Runtime, RuntimeError> {
        let mut builder = match self {
            Flavor::CurrentThread => Builder::new_current_thread(),
            Flavor::MultiThread { workers } => {
                // tokio panics on `worker_threads(0)`, and starts every worker when it builds:
                // checking first makes both ends a value.
                let workers = config::count_at_most("workers", workers, MAX_THREADS)?;
                let mut builder = Builder::new_multi_thread();
                builder.worker_threads(workers);
                builder
            }
        };
        builder.enable_all().build().map_err(RuntimeError::Build)
    }
}

// ANCHOR: run
/// Runs `future` to completion on a new runtime of `flavor`, then shuts the runtime down: the
/// equivalent of `asyncio.run(main())`, and what `#[tokio::main]` expands to.
///
/// Tasks the future spawned and left running are cancelled when the runtime is dropped.
///
/// # Errors
/// [`RuntimeError::InsideRuntime`] when called from a thread that is already inside a runtime
/// (including a `spawn_blocking` thread, where `Handle::current().block_on` is the tool), and
/// the errors of [`Flavor::build`].
///
/// # Examples
/// ```
/// use basics::{Flavor, RuntimeError, hello};
///
/// let answer = hello::run(Flavor::CurrentThread, async {
///     tokio::task::yield_now().await;
///     42
/// })?;
/// assert_eq!(answer, 42);
/// # Ok::<(), RuntimeError>(())
/// ```
pub fn run<F: Future>(flavor: Flavor, future: F) -> Result<F::Output, RuntimeError> {
    // `block_on` inside a runtime would panic ("Cannot start a runtime from within a runtime").
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(RuntimeError::InsideRuntime);
    }
    let runtime = flavor.build()?;
    // The runtime is dropped on return, on this synchronous thread, which is where dropping one
    // is allowed; the drop cancels whatever tasks the future left behind.
    Ok(runtime.block_on(future))
}
// ANCHOR_END: run
