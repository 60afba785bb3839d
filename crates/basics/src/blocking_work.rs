//! Blocking work off the runtime: run a blocking or CPU-heavy call on another thread so the
//! runtime's threads keep serving every other task.
//!
//! - [`tokio::task::spawn_blocking`]: tokio's own blocking pool (up to 512 threads by default),
//!   for blocking calls such as file I/O or a synchronous client.
//! - [`BlockingPool`]: a dedicated pool with a fixed number of threads and a bounded queue, for
//!   work that must not take over tokio's blocking pool, or whose parallelism must be capped.
//!   It is created once and reused, where the common Python rendition builds and tears down a new
//!   executor on every call.
//!
//! A blocking job cannot be cancelled: dropping the future that waits for it drops only the
//! result. CPU-bound data parallelism belongs to rayon, which is not a dependency of this crate.
//! [`sync_calling_async`](crate::sync_calling_async) goes the other direction.
//!
//! The lesson: `docs/basics.md`, section *Blocking work off the runtime*.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use crate::config::{self, ConfigError};
use crate::task::PanicPayload;

/// The most threads a [`BlockingPool`] (or a multi-thread runtime built by
/// [`Flavor::build`](crate::Flavor::build)) accepts: 1024.
///
/// Tighter than [`config::MAX_CAPACITY`] because every thread is started at once and reserves
/// its stack: a pool of a million threads would fail, or take the machine, before it was built.
pub const MAX_THREADS: usize = 1024;

/// Why a [`BlockingPool`] did not run a job. (Bad sizes are refused earlier, by
/// [`BlockingPool::spawn`], with a [`ConfigError`].)
#[derive(Debug, thiserror::Error)]
pub enum BlockingPoolError {
    /// The pool was closed before the job was accepted.
    #[error("the blocking pool is closed")]
    Closed,
    /// The job panicked; the pool thread survived it. The payload can be re-raised with
    /// [`PanicPayload::resume`].
    #[error("the blocking job panicked: {0}")]
    JobPanicked(PanicPayload),
}

/// Why [`BlockingPool::spawn`] built no pool.
#[derive(Debug, thiserror::Error)]
pub enum BlockingPoolSpawnError {
    /// `threads` or `queue` was refused.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The operating system refused a thread; the threads already started have exited or are
    /// exiting.
    #[error("could not start a pool thread")]
    Thread(#[source] std::io::Error),
}

/// The size of a [`BlockingPool`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockingPoolConfig {
    /// Worker threads, started once when the pool is built: `1..=`[`MAX_THREADS`].
    pub threads: usize,
    /// Jobs that may wait for a free thread (`1..=`[`config::MAX_CAPACITY`]); a caller beyond
    /// that waits for a slot.
    pub queue: usize,
}

type Job = Box<dyn FnOnce() + Send + 'static>;

// ANCHOR: blocking_double
/// The lesson's stand-in for a blocking library call: it holds its thread for `cost` of real
/// time, then doubles `n`. The example and the tests both run it.
#[expect(
    clippy::disallowed_methods,
    reason = "the stand-in for blocking work must really block its thread"
)]
pub fn blocking_double(n: u64, cost: std::time::Duration) -> u64 {
    std::thread::sleep(cost);
    n * 2
}
// ANCHOR_END: blocking_double

// ANCHOR: pool
/// A fixed set of threads for blocking jobs, fed through a bounded queue, built once and reused.
///
/// A cheap `Clone`: clones share the threads and the queue. Dropping the last clone closes the
/// queue; the threads finish the jobs already accepted and exit by themselves.
///
/// # Examples
/// ```
/// use basics::blocking_work::{BlockingPool, BlockingPoolConfig, BlockingPoolError};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = BlockingPool::spawn(BlockingPoolConfig { threads: 2, queue: 8 })?;
/// let doubled = pool.run(|| 21 * 2).await?;
/// assert_eq!(doubled, 42);
/// let other = pool.clone();
/// pool.shutdown().await;
/// assert!(matches!(other.run(|| 0).await, Err(BlockingPoolError::Closed)));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "dropping the last handle closes the pool"]
pub struct BlockingPool {
    shared: Arc<Shared>,
}

// Dropped with the last handle, and with it the queue's sender: the workers drain the queue and
// exit on their own (a join here would block whatever thread drops the pool, perhaps a runtime
// thread).
#[derive(Debug)]
struct Shared {
    // The std mutexes are held for a moment, never across an `.await`.
    sender: Mutex<Option<mpsc::Sender<Job>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
    // Every worker holds a clone; `recv` returns `None` once all of them have exited.
    alive: tokio::sync::Mutex<mpsc::Receiver<()>>,
    threads: usize,
}

impl BlockingPool {
    /// Starts `config.threads` worker threads behind a queue of `config.queue` jobs.
    ///
    /// # Errors
    /// [`BlockingPoolSpawnError::Config`] holding [`ConfigError::Zero`] or
    /// [`ConfigError::TooLarge`] for `threads` outside `1..=`[`MAX_THREADS`] or `queue` outside
    /// `1..=`[`config::MAX_CAPACITY`]; [`BlockingPoolSpawnError::Thread`] when the operating
    /// system refuses to start a thread (the threads already started then exit).
    pub fn spawn(config: BlockingPoolConfig) -> Result<BlockingPool, BlockingPoolSpawnError> {
        let threads = config::count_at_most("threads", config.threads, MAX_THREADS)?;
        let queue = config::count("queue", config.queue)?;
        let (sender, receiver) = mpsc::channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        let (alive_tx, alive_rx) = mpsc::channel::<()>(1);
        let workers = (0..threads)
            .map(|n| {
                let receiver = Arc::clone(&receiver);
                let alive = alive_tx.clone();
                std::thread::Builder::new()
                    .name(format!("blocking-pool-{n}"))
                    .spawn(move || {
                        let _alive = alive;
                        loop {
                            // One idle worker waits on the queue, the others for the lock. Jobs
                            // run outside the lock and their panics are caught, so the lock is
                            // never poisoned; were it, the queue behind it would still be fine.
                            let job = receiver
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .blocking_recv();
                            match job {
                                Some(job) => job(),
                                None => break, // the queue is closed and drained
                            }
                        }
                    })
            })
            // On an error, returning drops `sender`: the threads already started see a closed
            // queue and exit.
            .collect::<Result<Vec<_>, _>>()
            .map_err(BlockingPoolSpawnError::Thread)?;
        Ok(BlockingPool {
            shared: Arc::new(Shared {
                sender: Mutex::new(Some(sender)),
                workers: Mutex::new(workers),
                alive: tokio::sync::Mutex::new(alive_rx),
                threads,
            }),
        })
    }

    /// How many worker threads the pool runs.
    pub fn threads(&self) -> usize {
        self.shared.threads
    }

    /// Runs `job` on a pool thread and returns its output. Waits for a queue slot when the
    /// queue is full (backpressure), never on the calling thread.
    ///
    /// # Errors
    /// [`BlockingPoolError::Closed`] after [`close`](BlockingPool::close) or
    /// [`shutdown`](BlockingPool::shutdown); [`BlockingPoolError::JobPanicked`] when the job
    /// panicked.
    ///
    /// # Cancel safety
    /// Dropped while waiting for a queue slot, the job is never run. Dropped after the job was
    /// queued, the job still runs to its end (a thread cannot be interrupted) and its output is
    /// discarded.
    pub async fn run<F, T>(&self, job: F) -> Result<T, BlockingPoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        // Clone the sender out of the std lock so that no guard is held across the `.await`.
        let sender = self
            .shared
            .sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(BlockingPoolError::Closed)?;
        let (reply, output) = oneshot::channel();
        let job: Job = Box::new(move || {
            // The caller may be gone: then nobody wants the output.
            let _ = reply.send(catch_unwind(AssertUnwindSafe(job)));
        });
        sender
            .send(job)
            .await
            .map_err(|_| BlockingPoolError::Closed)?;
        match output.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(payload)) => Err(BlockingPoolError::JobPanicked(PanicPayload::new(payload))),
            // The job was dropped unrun: only possible if its thread died.
            Err(_) => Err(BlockingPoolError::Closed),
        }
    }

    /// Closes the queue at once, for every clone, without waiting: later calls to
    /// [`run`](BlockingPool::run) return [`BlockingPoolError::Closed`], and the threads finish
    /// the jobs already accepted, then exit. Returns whether this call closed the pool (`false`
    /// if it was already closed).
    pub fn close(&self) -> bool {
        let sender = self
            .shared
            .sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        sender.is_some()
    }

    /// Closes the queue (for every clone), waits for every job already accepted, and joins the
    /// threads.
    ///
    /// # Cancel safety
    /// Dropping the future leaves the queue closed; the threads finish the accepted jobs and
    /// exit by themselves.
    pub async fn shutdown(self) {
        self.close();
        // Resolves when every worker has dropped its `alive` sender, that is, left its loop.
        while self.shared.alive.lock().await.recv().await.is_some() {}
        let workers = std::mem::take(
            &mut *self
                .shared
                .workers
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for worker in workers {
            // The thread has left its loop, so this join waits only for its exit; a worker
            // cannot have panicked (jobs' panics are caught), so the result carries nothing.
            let _ = worker.join();
        }
    }
}
// ANCHOR_END: pool
