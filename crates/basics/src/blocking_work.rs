//! Blocking work off the runtime: run a blocking or CPU-heavy call on another thread so the
//! runtime's threads keep serving every other task.
//!
//! # Python
//! ```python
//! def blocking_double(n):
//!     time.sleep(1)                  # a blocking library call
//!     return n * 2
//!
//! results = await asyncio.gather(*(asyncio.to_thread(blocking_double, n) for n in range(1, 6)))
//! ```
//!
//! # Rust
//! - [`tokio::task::spawn_blocking`]: tokio's own blocking pool (up to 512 threads by default),
//!   for blocking calls such as file I/O or a synchronous client.
//! - [`BlockingPool`]: a dedicated pool with a fixed number of threads and a bounded queue, for
//!   work that must not take over tokio's blocking pool, or whose parallelism must be capped.
//!   It is created once and reused: the ★ defect of the common Python rendition builds and tears
//!   down a new executor on every call.
//! - CPU-bound data parallelism belongs to rayon (a thread per core, work stealing), reached from
//!   async code through a oneshot channel; it is not a dependency of this crate.
//!
//! # Differences
//! - A blocking call on a runtime thread stalls every task on that thread: timers, heartbeats,
//!   I/O. asyncio has the same problem with its one loop thread; tokio's multi-thread runtime only
//!   hides it until all workers are blocked.
//! - A blocking job cannot be cancelled: dropping the future that waits for it drops only the
//!   result; the thread runs the job to its end.
//! - On the paused test clock, tokio stops auto-advancing time while a `spawn_blocking` job runs
//!   (the job may be waiting for real time); jobs on a [`BlockingPool`] do not hold the clock.
//!
//! # Pitfalls
//! - Blocking inline in `async fn` (`std::thread::sleep`, a synchronous HTTP client, a long loop):
//!   the example shows a ticker stalled by it; `tests/blocking_work.rs` shows it ticking beside
//!   work moved off the runtime.
//! - A new pool per call pays thread start-up every time and caps nothing (tested:
//!   `the_pool_is_created_once_and_reused`).
//! - An unbounded queue in front of a pool hides overload; [`BlockingPool::run`] waits for a free
//!   slot instead.
//!
//! # In production
//! `spawn_blocking` for occasional blocking I/O; a dedicated, bounded pool (or a `Semaphore` in
//! front of `spawn_blocking`) for heavy or numerous blocking calls; rayon for CPU-bound data
//! parallelism; `tokio::fs` and async clients instead of blocking ones where they exist.
//!
//! # See also
//! `sync_calling_async` for the other direction.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

/// Why a [`BlockingPool`] could not be built or could not run a job.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The pool was asked for zero threads.
    #[error("a blocking pool needs at least one thread")]
    ZeroThreads,
    /// The pool was asked for a queue of zero slots.
    #[error("a blocking pool needs a queue of at least one job")]
    ZeroQueue,
    /// The operating system refused to start a worker thread.
    #[error("could not start a pool thread")]
    Spawn(#[source] std::io::Error),
    /// The pool was shut down before the job was accepted.
    #[error("the blocking pool is shut down")]
    ShutDown,
    /// The job panicked; the pool thread survived it.
    #[error("the blocking job panicked")]
    JobPanicked,
}

/// The size of a [`BlockingPool`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolConfig {
    /// Worker threads, started once when the pool is built.
    pub threads: usize,
    /// Jobs that may wait for a free thread; a caller beyond that waits for a slot.
    pub queue: usize,
}

type Job = Box<dyn FnOnce() + Send + 'static>;

// A std mutex is right here: it is held while a worker waits for its next job (a blocking wait
// on a pool thread, never on the runtime) and never across an `.await`. Jobs run outside the
// lock and their panics are caught, so poison cannot happen; if it did, the queue is still fine.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

// ANCHOR: pool
/// A fixed set of threads for blocking jobs, fed through a bounded queue, built once and reused.
///
/// # Examples
/// ```
/// use basics::blocking_work::{BlockingPool, PoolConfig};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), basics::PoolError> {
/// let pool = BlockingPool::new(PoolConfig { threads: 2, queue: 8 })?;
/// let doubled = pool.run(|| 21 * 2).await?;
/// assert_eq!(doubled, 42);
/// pool.shutdown().await;
/// assert!(matches!(pool.run(|| 0).await, Err(basics::PoolError::ShutDown)));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct BlockingPool {
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
    /// [`PoolError::ZeroThreads`] or [`PoolError::ZeroQueue`] for a zero size;
    /// [`PoolError::Spawn`] when the operating system refuses a thread (the threads already
    /// started exit).
    pub fn new(config: PoolConfig) -> Result<BlockingPool, PoolError> {
        if config.threads == 0 {
            return Err(PoolError::ZeroThreads);
        }
        if config.queue == 0 {
            return Err(PoolError::ZeroQueue);
        }
        let (sender, receiver) = mpsc::channel::<Job>(config.queue);
        let receiver = Arc::new(Mutex::new(receiver));
        let (alive_tx, alive_rx) = mpsc::channel::<()>(1);
        let mut workers = Vec::with_capacity(config.threads);
        for n in 0..config.threads {
            let receiver = Arc::clone(&receiver);
            let alive = alive_tx.clone();
            let worker = std::thread::Builder::new()
                .name(format!("blocking-pool-{n}"))
                .spawn(move || {
                    let _alive = alive;
                    loop {
                        // One idle worker waits on the queue; the others wait for the lock.
                        let job = lock(&receiver).blocking_recv();
                        match job {
                            Some(job) => job(),
                            None => break, // the queue is closed and drained
                        }
                    }
                })
                // Returning drops `sender`, so the threads already started see a closed queue.
                .map_err(PoolError::Spawn)?;
            workers.push(worker);
        }
        Ok(BlockingPool {
            sender: Mutex::new(Some(sender)),
            workers: Mutex::new(workers),
            alive: tokio::sync::Mutex::new(alive_rx),
            threads: config.threads,
        })
    }

    /// How many worker threads the pool runs.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `job` on a pool thread and returns its output. Waits for a queue slot when the
    /// queue is full (backpressure), never on the calling thread.
    ///
    /// # Errors
    /// [`PoolError::ShutDown`] after [`shutdown`](BlockingPool::shutdown);
    /// [`PoolError::JobPanicked`] when the job panicked.
    ///
    /// # Cancel safety
    /// Dropped while waiting for a queue slot, the job is never run. Dropped after the job was
    /// queued, the job still runs to its end (a thread cannot be interrupted) and its output is
    /// discarded.
    pub async fn run<F, T>(&self, job: F) -> Result<T, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        // Clone the sender out of the std lock so that no guard is held across the `.await`.
        let sender = lock(&self.sender).clone().ok_or(PoolError::ShutDown)?;
        let (reply, output) = oneshot::channel();
        let job: Job = Box::new(move || {
            // The caller may be gone: then nobody wants the output.
            let _ = reply.send(catch_unwind(AssertUnwindSafe(job)));
        });
        sender.send(job).await.map_err(|_| PoolError::ShutDown)?;
        match output.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_panic)) => Err(PoolError::JobPanicked),
            // The job was dropped unrun: only possible if its thread died.
            Err(_) => Err(PoolError::ShutDown),
        }
    }

    /// Closes the queue, waits for every job already accepted, and joins the threads. Later
    /// calls to [`run`](BlockingPool::run) return [`PoolError::ShutDown`]; a second `shutdown`
    /// returns at once.
    ///
    /// # Cancel safety
    /// Dropping the future leaves the queue closed; the threads finish the accepted jobs and
    /// exit by themselves.
    pub async fn shutdown(&self) {
        drop(lock(&self.sender).take());
        // Resolves when every worker has dropped its `alive` sender, that is, left its loop.
        while self.alive.lock().await.recv().await.is_some() {}
        let workers = std::mem::take(&mut *lock(&self.workers));
        for worker in workers {
            // The thread has left its loop, so this join waits only for its exit; a worker
            // cannot have panicked (jobs' panics are caught), so the result carries nothing.
            let _ = worker.join();
        }
    }
}
// ANCHOR_END: pool

impl Drop for BlockingPool {
    fn drop(&mut self) {
        // Closing the queue is enough: the workers drain it and exit on their own. Joining here
        // would block whatever thread drops the pool, possibly a runtime thread.
        drop(lock(&self.sender).take());
    }
}
