//! Hello: the entry point. A runtime runs `async fn main` to completion.
//!
//! `#[tokio::main]` turns `async fn main` into a plain `fn main` that builds a [`Runtime`] and
//! calls [`Runtime::block_on`] on the body. [`run`] is that expansion written out, the equivalent
//! of `asyncio.run(main())`, with the runtime's [`Flavor`] as a typed value:
//! - [`Flavor::CurrentThread`] (`#[tokio::main(flavor = "current_thread")]`): every task runs on
//!   the calling thread, like asyncio's single event loop;
//! - [`Flavor::MultiThread`] (plain `#[tokio::main]`): a pool of worker threads (one per core by
//!   default) steals tasks from each other, so spawned tasks run in parallel.
//!
//! Where tokio would panic (a `block_on` inside a runtime, zero workers), [`run`] and
//! [`Flavor::build`] return a [`RuntimeError`]: [`RuntimeError::InsideRuntime`], or
//! [`RuntimeError::Config`] holding a [`ConfigError`] for zero workers or more than
//! [`MAX_THREADS`].
//!
//! The lesson: `docs/basics.md`, section *Hello: the entry point*.

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
