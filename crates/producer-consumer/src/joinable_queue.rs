//! Joinable queue: asyncio's `task_done` / `join`, with a `join` that cannot hang when a consumer
//! fails or panics mid-item, because an item's "done" is a guard that fires on drop.
//!
//! # Python
//! ```python
//! async def consumer(queue):
//!     while True:
//!         item = await queue.get()
//!         await process(item)      # raises: task_done() below never runs
//!         queue.task_done()
//!
//! await queue.join()               # waits for every task_done(): forever, after one failure
//! ```
//!
//! # Rust
//! [`JoinableQueue::get`] hands out a [`Task`]: the item plus a guard. Calling
//! [`Task::done`] counts it done; dropping it any other way (an early `return`, a `?`, a panic
//! unwinding, the consumer's task being aborted or its future dropped) counts it failed. Either
//! way the item is finished, so [`JoinableQueue::join`] returns once every item that was put is
//! finished, and [`JoinableQueue::counts`] says how many failed.
//!
//! # Differences
//! - `task_done()` is a call the consumer must remember on every path; here the guard's `Drop`
//!   runs on every path, including unwinding and cancellation.
//! - `join` does not close the queue; [`JoinableQueue::close`] does (gets drain, then return
//!   `None`), which is how consumers stop without being cancelled.
//!
//! # Pitfalls
//! - A consumer that fails and never marks its item done (★ defect 9): see
//!   `join_returns_when_a_consumer_fails_mid_item` and `join_returns_when_a_consumer_panics_mid_item`
//!   in `tests/joinable_queue.rs`.
//! - `join` also waits for queued items: if every consumer has exited, queued items are never
//!   finished. Keep consumers alive until `join` returns, or bound the wait with a timeout.
//!
//! # See also
//! [`completion`](crate::completion) ends a queue by dropping its senders, which needs no
//! counting at all when the producers are known.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use tokio::sync::watch;

use crate::bounded_queue::{Closed, ZeroCapacity};

/// How many items a [`JoinableQueue`] has seen finish, and how many are not finished yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Items put and not yet finished: queued, or held by a consumer.
    pub unfinished: usize,
    /// Items a consumer marked [`done`](Task::done).
    pub done: usize,
    /// Items whose [`Task`] was dropped without being marked done (error, panic, cancellation).
    pub failed: usize,
}

/// A bounded queue that counts unfinished items, like `asyncio.Queue` with `task_done` / `join`.
/// Clones share one queue.
pub struct JoinableQueue<T> {
    tx: async_channel::Sender<T>,
    rx: async_channel::Receiver<T>,
    counts: Arc<watch::Sender<Counts>>,
}

impl<T> JoinableQueue<T> {
    /// A queue of at most `capacity` waiting items.
    ///
    /// # Errors
    /// [`ZeroCapacity`] when `capacity` is 0.
    ///
    /// # Examples
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use producer_consumer::joinable_queue::JoinableQueue;
    ///
    /// let queue = JoinableQueue::new(4)?;
    /// queue.put("a").await?;
    /// queue.put("b").await?;
    /// let consumer = queue.clone();
    /// tokio::spawn(async move {
    ///     while let Some(task) = consumer.get().await {
    ///         if *task == "b" {
    ///             panic!("b is poison"); // the guard still counts `b` as finished (failed)
    ///         }
    ///         task.done();
    ///     }
    /// });
    /// queue.join().await; // returns: nothing is left unfinished
    /// assert_eq!(queue.counts().done, 1);
    /// assert_eq!(queue.counts().failed, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(capacity: usize) -> Result<JoinableQueue<T>, ZeroCapacity> {
        if capacity == 0 {
            return Err(ZeroCapacity);
        }
        let (tx, rx) = async_channel::bounded(capacity);
        Ok(JoinableQueue {
            tx,
            rx,
            counts: Arc::new(watch::Sender::new(Counts::default())),
        })
    }

    // ANCHOR: put
    /// Puts `item` in the queue, waiting while it is full, and counts it unfinished.
    ///
    /// # Errors
    /// [`Closed`] with the item after [`close`](JoinableQueue::close).
    ///
    /// # Cancel safety
    /// Cancel safe: a `put` dropped before it completes enqueued nothing and counted nothing.
    pub async fn put(&self, item: T) -> Result<(), Closed<T>> {
        // Count the item before it becomes visible, so that a consumer finishing it at once
        // can never take the count below zero or let `join` return early.
        self.counts.send_modify(|counts| counts.unfinished += 1);
        let uncount = Uncount {
            counts: &self.counts,
        };
        self.tx.send(item).await.map_err(|error| Closed(error.0))?;
        std::mem::forget(uncount);
        Ok(())
    }
    // ANCHOR_END: put

    /// Takes the next item as a [`Task`], waiting while the queue is empty; `None` once the queue
    /// is [closed](JoinableQueue::close) and drained.
    ///
    /// # Cancel safety
    /// Cancel safe: an item is taken out only when the future completes.
    pub async fn get(&self) -> Option<Task<T>> {
        let item = self.rx.recv().await.ok()?;
        Some(Task {
            item,
            guard: DoneGuard {
                counts: Arc::clone(&self.counts),
                finished: false,
            },
        })
    }

    // ANCHOR: join
    /// Waits until every item put so far is finished: marked done, or failed.
    ///
    /// # Cancel safety
    /// Cancel safe: it only watches the counts.
    pub async fn join(&self) {
        let mut counts = self.counts.subscribe();
        // `wait_for` fails only when the sender is gone; this queue holds it.
        let _ = counts.wait_for(|counts| counts.unfinished == 0).await;
    }
    // ANCHOR_END: join

    /// Stops new puts; consumers drain what is queued and then get `None`. Returns `false` when
    /// it was already closed.
    pub fn close(&self) -> bool {
        self.tx.close()
    }

    /// The counts now.
    pub fn counts(&self) -> Counts {
        *self.counts.borrow()
    }
}

impl<T> Clone for JoinableQueue<T> {
    fn clone(&self) -> Self {
        JoinableQueue {
            tx: self.tx.clone(),
            rx: self.rx.clone(),
            counts: Arc::clone(&self.counts),
        }
    }
}

impl<T> fmt::Debug for JoinableQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinableQueue")
            .field("len", &self.rx.len())
            .field("counts", &self.counts())
            .finish()
    }
}

/// Takes back the count of a `put` that did not enqueue its item (closed, or cancelled).
struct Uncount<'a> {
    counts: &'a watch::Sender<Counts>,
}

impl Drop for Uncount<'_> {
    fn drop(&mut self) {
        self.counts.send_modify(|counts| counts.unfinished -= 1);
    }
}

// ANCHOR: task
/// An item taken from a [`JoinableQueue`]. Read it through `Deref`; call [`done`](Task::done)
/// when it is processed. Dropped any other way, it counts as failed: either way `join` stops
/// waiting for it.
#[derive(Debug)]
pub struct Task<T> {
    item: T,
    guard: DoneGuard,
}

impl<T> Task<T> {
    /// Marks the item done.
    pub fn done(self) {
        self.guard.done();
    }

    /// Splits the task into its item and its guard, for a consumer that needs to own the item.
    pub fn into_parts(self) -> (T, DoneGuard) {
        (self.item, self.guard)
    }
}

/// The "task done" of one item: [`done`](DoneGuard::done) counts it done, a drop counts it
/// failed.
#[derive(Debug)]
pub struct DoneGuard {
    counts: Arc<watch::Sender<Counts>>,
    finished: bool,
}

impl DoneGuard {
    /// Marks the item done.
    pub fn done(mut self) {
        self.finished = true;
        self.counts.send_modify(|counts| {
            counts.unfinished -= 1;
            counts.done += 1;
        });
    }
}

impl Drop for DoneGuard {
    fn drop(&mut self) {
        // Runs on every path out of a consumer: an early return, a `?`, a panic unwinding, an
        // abort. That is what keeps `join` from waiting forever.
        if !self.finished {
            self.counts.send_modify(|counts| {
                counts.unfinished -= 1;
                counts.failed += 1;
            });
        }
    }
}
// ANCHOR_END: task

impl<T> Deref for Task<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.item
    }
}

impl<T> DerefMut for Task<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.item
    }
}
