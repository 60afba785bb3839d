//! Worker pool: a fixed number of workers, a bounded input, and results handed back in
//! completion order or in submission order.
//!
//! [`spawn`] starts `workers` tasks and returns a [`WorkerPool`] to submit items to and a
//! [`Results`] to read outcomes from. At most `capacity` items are in flight (queued, being
//! worked on, or finished and not yet read): [`WorkerPool::submit`] waits beyond that, so a slow
//! reader slows the submitters down too. Every submitted item gives exactly one [`Outcome`],
//! tagged with its submission index; a panic in the work is caught and reported as
//! [`TaskFailed::Panicked`] (with the item's index and the panic's payload) for that item, and
//! the worker goes on with the next one. [`Results::ordered`] reorders by index.
//!
//! Dropping every [`WorkerPool`] handle closes the input: workers finish what was accepted, then
//! [`Results::recv`] returns `None`. [`Results::shutdown`] closes the input for every handle,
//! lets the workers finish what was accepted and returns the outcomes not read yet. Dropping
//! [`Results`] aborts the workers. After [`WorkerPool::close`], a shutdown or the drop of
//! [`Results`], a `submit` waiting for a slot gets its item back at once.
//!
//! The lesson: `docs/producer-consumer.md`, section *Worker pool*.
//!
//! # See also
//! [`many_consumers`](crate::many_consumers) for the queue underneath; `futures`'
//! `buffer_unordered` / `buffered` for a pool of futures on one task.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use basics::config::{self, ConfigError};
use basics::task::{PanicPayload, TaskFailed};
use futures::FutureExt as _;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinSet;

use crate::bounded_queue::Closed;

/// How many workers a pool has and how many items may be in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerPoolConfig {
    /// The number of worker tasks: `1..=MAX_CAPACITY`.
    pub workers: usize,
    /// The most items submitted and not yet read from [`Results`]: `1..=MAX_CAPACITY`.
    pub capacity: usize,
}

/// The outcome of one submitted item.
#[derive(Debug)]
pub struct Outcome<R> {
    /// The submission index [`WorkerPool::submit`] returned, from 0.
    pub index: usize,
    /// What the work returned, or [`TaskFailed::Panicked`] with the same index and the panic's
    /// payload. (Never [`TaskFailed::Cancelled`]: an item whose worker is aborted gives no
    /// outcome at all, since only dropping [`Results`] aborts the workers.)
    pub output: Result<R, TaskFailed>,
}

// Every job and every unread result holds one in-flight slot, a permit of `slots`: `submit`
// takes it, the job carries it to a worker, the worker's message carries it to the reader, and
// the reader drops it when it hands the result out. That is what bounds queued, running and
// unread items together.
struct Job<T> {
    index: usize,
    item: T,
    slot: OwnedSemaphorePermit,
}

struct Done<R> {
    outcome: Outcome<R>,
    // Held, never read: dropping it gives the in-flight slot back.
    _slot: OwnedSemaphorePermit,
}

// ANCHOR: spawn
/// Starts a pool of `config.workers` tasks running `work` on each submitted item.
///
/// The input queue allocates its `capacity` slots now (about `size_of::<T>() + 32` bytes each:
/// the item, its index, its slot's permit and a stamp); results are allocated as they arrive.
///
/// # Errors
/// [`ConfigError::Zero`] or [`ConfigError::TooLarge`] for `workers` or `capacity` (each
/// `1..=`[`MAX_CAPACITY`](basics::config::MAX_CAPACITY)); nothing is spawned then.
///
/// # Examples
/// ```
/// use producer_consumer::worker_pool::{self, WorkerPoolConfig};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = WorkerPoolConfig { workers: 3, capacity: 8 };
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
#[track_caller]
pub fn spawn<T, R, F, Fut>(
    config: WorkerPoolConfig,
    work: F,
) -> Result<(WorkerPool<T>, Results<R>), ConfigError>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
{
    let workers = config::count("workers", config.workers)?;
    let capacity = config::count("capacity", config.capacity)?;
    // Neither channel ever waits: at most `capacity` slots exist, and every queued job and
    // every unread result holds one. The semaphore is the only place a submitter waits, and it
    // bounds both channels: so the result channel needs no bound of its own to hold at most
    // `capacity` results.
    let (input_tx, input_rx) = async_channel::bounded::<Job<T>>(capacity);
    let (done_tx, done_rx) = mpsc::unbounded_channel::<Done<R>>();
    let work = Arc::new(work);
    let mut tasks = JoinSet::new();
    for _ in 0..workers {
        let (input, done, work) = (input_rx.clone(), done_tx.clone(), Arc::clone(&work));
        tasks.spawn(async move {
            while let Ok(Job { index, item, slot }) = input.recv().await {
                // The call and the future both run inside `catch_unwind`, so a panic anywhere
                // in the work becomes this item's outcome instead of killing the worker.
                let output = AssertUnwindSafe(async { work(item).await })
                    .catch_unwind()
                    .await
                    .map_err(|payload| TaskFailed::Panicked {
                        index,
                        payload: PanicPayload::new(payload),
                    });
                let outcome = Outcome { index, output };
                if done
                    .send(Done {
                        outcome,
                        _slot: slot,
                    })
                    .is_err()
                {
                    break; // `Results` was dropped: nobody wants the outcomes
                }
            }
        });
    }
    let slots = Arc::new(Semaphore::new(capacity));
    let pool = WorkerPool {
        input: input_tx,
        slots: Arc::clone(&slots),
        next: Arc::new(AtomicUsize::new(0)),
    };
    let results = Results {
        done: done_rx,
        slots,
        input: Box::new(move || input_rx.close()),
        _workers: tasks,
    };
    Ok((pool, results))
}
// ANCHOR_END: spawn

/// The submitting end of a pool; clones share it (cheap: three `Arc`s). When every clone is
/// dropped (or [`close`](WorkerPool::close) is called) the workers finish the accepted items
/// and stop.
#[must_use = "dropping the last handle closes the pool's input"]
pub struct WorkerPool<T> {
    input: async_channel::Sender<Job<T>>,
    slots: Arc<Semaphore>,
    next: Arc<AtomicUsize>,
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
    pub async fn submit(&self, item: T) -> Result<usize, Closed<T>> {
        if self.input.is_closed() {
            return Err(Closed(item));
        }
        // The semaphore is closed by `close` and when `Results` drops: a submit waiting for a
        // slot then fails instead of waiting for slots that queued items may hold forever.
        let Ok(slot) = Arc::clone(&self.slots).acquire_owned().await else {
            return Err(Closed(item));
        };
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        // Never `Full`: the slot just taken guarantees a free place in the input channel.
        self.input
            .try_send(Job { index, item, slot })
            .map(|()| index)
            .map_err(|error| Closed(error.into_inner().item))
    }
    // ANCHOR_END: submit

    /// Stops accepting items at once; the workers finish the accepted ones. A `submit` waiting
    /// for a slot fails at once. Returns `false` when it was already closed.
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
#[must_use = "dropping `Results` aborts the workers"]
pub struct Results<R> {
    done: mpsc::UnboundedReceiver<Done<R>>,
    // Closed on drop, so that no submit waits for a slot, or takes one, once nobody reads.
    slots: Arc<Semaphore>,
    // Closes the input channel, for `shutdown`. (A receiving end, so that it does not keep the
    // input open once every `WorkerPool` handle is dropped; boxed, because `Results` does not
    // name the item type.)
    input: Box<dyn Fn() -> bool + Send + Sync>,
    // Owned so that dropping `Results` aborts every worker: nothing is left detached.
    _workers: JoinSet<()>,
}

impl<R> Results<R> {
    /// The next outcome to finish; `None` once the pool is closed and every accepted item is
    /// reported.
    ///
    /// # Cancel safety
    /// Cancel safe: an outcome is taken only when the future completes.
    pub async fn recv(&mut self) -> Option<Outcome<R>> {
        // The `Done` drops here, and with it the item's slot, for the next submit.
        Some(self.done.recv().await?.outcome)
    }

    /// Closes the pool's input for every [`WorkerPool`] handle (as [`WorkerPool::close`]
    /// does), lets the workers finish every accepted item, and returns the outcomes not read
    /// yet, in completion order.
    ///
    /// # Cancel safety
    /// Dropping the future drops `Results`: the workers are aborted and the outcomes not
    /// returned yet are lost. The input stays closed.
    pub async fn shutdown(mut self) -> Vec<Outcome<R>> {
        self.slots.close();
        (self.input)();
        let mut rest = Vec::new();
        while let Some(outcome) = self.recv().await {
            rest.push(outcome);
        }
        rest
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
/// The outcomes of a pool in submission order; see [`Results::ordered`]. Dropping it aborts
/// the workers.
#[must_use = "dropping `OrderedResults` aborts the workers"]
pub struct OrderedResults<R> {
    results: Results<R>,
    next: usize,
    // Outcomes that finished before an earlier one. They keep their in-flight slots, so this map
    // never holds more than `capacity` entries and a stalled item stalls the submitters.
    early: BTreeMap<usize, Done<R>>,
}

impl<R> OrderedResults<R> {
    /// The outcome of the next item in submission order; `None` once every accepted item is
    /// reported.
    ///
    /// # Cancel safety
    /// Cancel safe: outcomes received while waiting are kept for the next call.
    pub async fn recv(&mut self) -> Option<Outcome<R>> {
        loop {
            if let Some(done) = self.early.remove(&self.next) {
                self.next += 1;
                return Some(done.outcome); // its slot is freed here
            }
            match self.results.done.recv().await {
                Some(done) => {
                    self.early.insert(done.outcome.index, done);
                }
                // Every worker is gone. An index can be missing only if its submit found the
                // pool closed, so hand out whatever is left in order.
                None => {
                    let (index, done) = self.early.pop_first()?;
                    self.next = index + 1;
                    return Some(done.outcome);
                }
            }
        }
    }
}
// ANCHOR_END: ordered

impl<R> OrderedResults<R> {
    /// [`Results::shutdown`] in submission order: closes the input, lets the workers finish
    /// every accepted item, and returns the outcomes not read yet, by index.
    ///
    /// # Cancel safety
    /// As [`Results::shutdown`]: dropping the future aborts the workers.
    pub async fn shutdown(self) -> Vec<Outcome<R>> {
        let mut rest: Vec<Outcome<R>> = self.early.into_values().map(|done| done.outcome).collect();
        rest.extend(self.results.shutdown().await);
        rest.sort_by_key(|outcome| outcome.index);
        rest
    }
}

impl<R> fmt::Debug for OrderedResults<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderedResults")
            .field("next", &self.next)
            .field("early", &self.early.len())
            .finish()
    }
}
