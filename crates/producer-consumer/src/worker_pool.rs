//! Worker pool: a fixed number of workers, a bounded input, and results handed back in
//! completion order or in submission order.
//!
//! # Python
//! ```python
//! async def worker(inbox, outbox):
//!     while (job := await inbox.get()) is not None:
//!         await outbox.put((job.id, await process(job)))   # an exception kills the worker
//!
//! inbox, outbox = asyncio.Queue(maxsize=8), asyncio.Queue()
//! workers = [asyncio.create_task(worker(inbox, outbox)) for _ in range(3)]
//! ```
//!
//! # Rust
//! [`spawn`] starts `workers` tasks and returns a [`WorkerPool`] to submit items to and a
//! [`Results`] to read outcomes from. At most `capacity` items are in flight (queued, being
//! worked on, or finished and not yet read): [`WorkerPool::submit`] waits beyond that, so a slow
//! reader slows the submitters down too. Every submitted item gives exactly one [`Completed`],
//! tagged with its submission index; a panic in the work is caught and reported as
//! [`Panicked`] for that item, and the worker goes on with the next one. [`Results::ordered`]
//! reorders by index.
//!
//! Dropping every [`WorkerPool`] handle closes the input: workers finish what was accepted, then
//! [`Results::recv`] returns `None`. Dropping [`Results`] aborts the workers. After either
//! [`WorkerPool::close`] or the drop of [`Results`], a `submit` waiting for a slot gets its item
//! back at once.
//!
//! # Differences
//! - asyncio workers die with the first exception and their items vanish; here a panic is caught
//!   per item (`catch_unwind`) and reported for that item.
//! - The bound counts results not yet read, not just queued inputs, so ordered results cannot grow
//!   without limit behind one slow item.
//!
//! # Pitfalls
//! - Submitting everything before reading any result from the same task deadlocks once
//!   `capacity` items are in flight: submit from another task (the example does).
//!   `submitting_and_reading_in_one_task_stalls_at_capacity` in `tests/worker_pool.rs` shows it.
//!
//! # See also
//! [`many_consumers`](crate::many_consumers) for the queue underneath; `futures`'
//! `buffer_unordered` / `buffered` for a pool of futures on one task.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::FutureExt as _;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use crate::bounded_queue::Closed;

/// How many workers a pool has and how many items may be in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolConfig {
    /// The number of worker tasks.
    pub workers: usize,
    /// The most items submitted and not yet read from [`Results`].
    pub capacity: usize,
}

/// Bad input to [`spawn`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// `workers` was 0: nothing would ever run.
    #[error("a pool needs at least one worker")]
    ZeroWorkers,
    /// `capacity` was 0: nothing could ever be submitted.
    #[error("capacity must be at least 1")]
    ZeroCapacity,
}

/// The work for one item panicked; the pool caught it and went on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the work panicked")]
pub struct Panicked;

/// The outcome of one submitted item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed<R> {
    /// The submission index [`WorkerPool::submit`] returned, from 0.
    pub index: u64,
    /// What the work returned, or [`Panicked`].
    pub output: Result<R, Panicked>,
}

// Every job and every unread result holds one in-flight slot, a permit of `slots`: `submit`
// takes it (and forgets the permit), and only the reader gives it back, when it hands the
// result out. That is what bounds queued, running and unread items together. The slot is a
// count rather than a permit object carried along: carrying an `OwnedSemaphorePermit` costs
// an `Arc` increment and decrement per item, from two threads. A job or result dropped unread
// (the pool closed, or `Results` dropped) does not give its slot back, and need not: either
// way the semaphore is closed and nobody takes a slot again.
struct Job<T> {
    index: u64,
    item: T,
}

// ANCHOR: spawn
/// Starts a pool of `config.workers` tasks running `work` on each submitted item.
///
/// # Errors
/// [`PoolError::ZeroWorkers`] or [`PoolError::ZeroCapacity`].
///
/// # Examples
/// ```
/// use producer_consumer::worker_pool::{self, PoolConfig};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = PoolConfig { workers: 3, capacity: 8 };
/// let (pool, results) = worker_pool::spawn(config, |n: u64| async move { n * n })?;
/// // Submit from another task: reading results is what frees in-flight slots.
/// tokio::spawn(async move {
///     for n in 0..20 {
///         if pool.submit(n).await.is_err() {
///             break;
///         }
///     }
/// }); // `pool` drops at the end: the input closes and the workers drain it
/// let mut ordered = results.ordered();
/// let mut squares = Vec::new();
/// while let Some(done) = ordered.recv().await {
///     squares.push(done.output?);
/// }
/// assert_eq!(squares, (0..20).map(|n| n * n).collect::<Vec<_>>());
/// # Ok(())
/// # }
/// ```
///
/// # Panics
/// When called outside a tokio runtime (it spawns the workers).
pub fn spawn<T, R, F, Fut>(
    config: PoolConfig,
    work: F,
) -> Result<(WorkerPool<T>, Results<R>), PoolError>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
{
    if config.workers == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    if config.capacity == 0 {
        return Err(PoolError::ZeroCapacity);
    }
    // Neither channel ever waits: at most `capacity` permits exist, and every queued job and
    // every unread result holds one. The semaphore is the only place a submitter waits, and it
    // bounds both channels: so the result channel needs no bound (and no per-item semaphore
    // of its own) to hold at most `capacity` results.
    let (input_tx, input_rx) = async_channel::bounded::<Job<T>>(config.capacity);
    let (done_tx, done_rx) = mpsc::unbounded_channel::<Completed<R>>();
    let work = Arc::new(work);
    let mut workers = JoinSet::new();
    for _ in 0..config.workers {
        let (input, done, work) = (input_rx.clone(), done_tx.clone(), Arc::clone(&work));
        workers.spawn(async move {
            while let Ok(Job { index, item }) = input.recv().await {
                // The call and the future both run inside `catch_unwind`, so a panic anywhere
                // in the work becomes this item's outcome instead of killing the worker.
                let output = AssertUnwindSafe(async { work(item).await })
                    .catch_unwind()
                    .await
                    .map_err(|_| Panicked);
                if done.send(Completed { index, output }).is_err() {
                    break; // `Results` was dropped: nobody wants the outcomes
                }
            }
        });
    }
    let slots = Arc::new(Semaphore::new(config.capacity));
    let pool = WorkerPool {
        input: input_tx,
        slots: Arc::clone(&slots),
        next: Arc::new(AtomicU64::new(0)),
    };
    let results = Results {
        done: done_rx,
        slots,
        _workers: workers,
    };
    Ok((pool, results))
}
// ANCHOR_END: spawn

/// The submitting end of a pool; clones share it. When every clone is dropped (or
/// [`close`](WorkerPool::close) is called) the workers finish the accepted items and stop.
pub struct WorkerPool<T> {
    input: async_channel::Sender<Job<T>>,
    slots: Arc<Semaphore>,
    next: Arc<AtomicU64>,
}

impl<T> WorkerPool<T> {
    // ANCHOR: submit
    /// Submits `item` and returns its index, waiting while `capacity` items are in flight.
    ///
    /// # Errors
    /// [`Closed`] with the item when the pool no longer accepts work (closed, or its
    /// [`Results`] dropped).
    ///
    /// # Cancel safety
    /// Cancel safe: the only wait is for a slot, before the item is handed over; a `submit`
    /// dropped there submitted nothing.
    pub async fn submit(&self, item: T) -> Result<u64, Closed<T>> {
        if self.input.is_closed() {
            return Err(Closed(item));
        }
        // The semaphore is closed by `close` and when `Results` drops: a submit waiting for a
        // slot then fails instead of waiting for slots that queued items may hold forever.
        let Ok(slot) = self.slots.acquire().await else {
            return Err(Closed(item));
        };
        // The slot now travels with the item; the reader gives it back (see `Job`).
        slot.forget();
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        // Never `Full`: the slot just taken guarantees a free place in the input channel.
        match self.input.try_send(Job { index, item }) {
            Ok(()) => Ok(index),
            Err(error) => {
                self.slots.add_permits(1);
                Err(Closed(error.into_inner().item))
            }
        }
    }
    // ANCHOR_END: submit

    /// Stops accepting items; the workers finish the accepted ones. A `submit` waiting for a
    /// slot fails at once. Returns `false` when it was already closed.
    pub fn close(&self) -> bool {
        self.slots.close();
        self.input.close()
    }
}

impl<T> Clone for WorkerPool<T> {
    fn clone(&self) -> Self {
        WorkerPool {
            input: self.input.clone(),
            slots: Arc::clone(&self.slots),
            next: Arc::clone(&self.next),
        }
    }
}

impl<T> fmt::Debug for WorkerPool<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkerPool")
            .field("queued", &self.input.len())
            .field("free_slots", &self.slots.available_permits())
            .finish()
    }
}

/// The outcomes of a pool, in completion order. Dropping it aborts the workers.
pub struct Results<R> {
    done: mpsc::UnboundedReceiver<Completed<R>>,
    // Closed on drop, so that no submit waits for a slot, or takes one, once nobody reads.
    slots: Arc<Semaphore>,
    // Owned so that dropping `Results` aborts every worker: nothing is left detached.
    _workers: JoinSet<()>,
}

impl<R> Results<R> {
    /// The next outcome to finish; `None` once the pool is closed and every accepted item is
    /// reported.
    ///
    /// # Cancel safety
    /// Cancel safe: an outcome is taken only when the future completes.
    pub async fn recv(&mut self) -> Option<Completed<R>> {
        let completed = self.done.recv().await?;
        self.free_slot();
        Some(completed)
    }

    /// Gives back the in-flight slot of a result handed out, for the next submit.
    fn free_slot(&self) {
        self.slots.add_permits(1);
    }

    /// The same outcomes in submission order.
    pub fn ordered(self) -> OrderedResults<R> {
        OrderedResults {
            results: self,
            next: 0,
            early: BTreeMap::new(),
        }
    }
}

impl<R> Drop for Results<R> {
    fn drop(&mut self) {
        // Nobody reads from here on: a submit waiting for a slot fails at once, and no later
        // submit takes one to queue its item for workers about to be aborted.
        self.slots.close();
    }
}

impl<R> fmt::Debug for Results<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Results")
            .field("workers", &self._workers.len())
            .finish()
    }
}

// ANCHOR: ordered
/// The outcomes of a pool in submission order; see [`Results::ordered`].
pub struct OrderedResults<R> {
    results: Results<R>,
    next: u64,
    // Outcomes that finished before an earlier one. They keep their in-flight slots, so this map
    // never holds more than `capacity` entries and a stalled item stalls the submitters.
    early: BTreeMap<u64, Completed<R>>,
}

impl<R> OrderedResults<R> {
    /// The outcome of the next item in submission order; `None` once every accepted item is
    /// reported.
    ///
    /// # Cancel safety
    /// Cancel safe: outcomes received while waiting are kept for the next call.
    pub async fn recv(&mut self) -> Option<Completed<R>> {
        loop {
            if let Some(completed) = self.early.remove(&self.next) {
                self.results.free_slot();
                self.next += 1;
                return Some(completed);
            }
            match self.results.done.recv().await {
                Some(done) => {
                    self.early.insert(done.index, done);
                }
                // Every worker is gone. An index can be missing only if its submit found the
                // pool closed, so hand out whatever is left in order.
                None => {
                    let (_, completed) = self.early.pop_first()?;
                    self.results.free_slot();
                    self.next = completed.index + 1;
                    return Some(completed);
                }
            }
        }
    }
}
// ANCHOR_END: ordered

impl<R> fmt::Debug for OrderedResults<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderedResults")
            .field("next", &self.next)
            .field("early", &self.early.len())
            .finish()
    }
}
