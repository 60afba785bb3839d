//! Joinable queue: asyncio's `task_done` / `join`, with a `join` that cannot hang when a consumer
//! fails or panics: an item's "done" is a guard that fires on drop, and `join` knows when no
//! consumer is left to finish the items still queued.
//!
//! Producers hold the [`JoinableQueue`]; each consumer holds a [`Consumer`] made by
//! [`JoinableQueue::consumer`]. [`Consumer::get`] hands out a [`Task`]: the item plus a guard.
//! Calling [`Task::done`] counts it done; dropping it any other way (an early `return`, a `?`, a
//! panic unwinding, the consumer's task being aborted or its future dropped) counts it failed.
//! Either way the item is finished, so [`JoinableQueue::join`] returns `Ok` once every item that
//! was put is finished, and [`JoinableQueue::counts`] says how many failed.
//!
//! Consumers are counted: every [`Consumer`] handle and every [`Task`] in hand is one. When the
//! last of them is dropped (the consumers returned, panicked or were aborted) while items are
//! still queued, nobody is left to finish them: `join` returns [`NoConsumerLeft`] with the
//! number of unfinished items instead of waiting for them.
//!
//! The lesson: `docs/producer-consumer.md`, section *Joinable queue*.
//!
//! # See also
//! [`completion`](crate::completion) ends a queue by dropping its senders, which needs no
//! counting at all when the producers are known.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use basics::config::{self, ConfigError};
use tokio::sync::watch;

use crate::bounded_queue::Closed;

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

/// Why [`JoinableQueue::join`] returned before every item was finished: no consumer is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no consumer is left and {unfinished} items are unfinished")]
pub struct NoConsumerLeft {
    /// Items put and never finished: still queued when the last consumer went away.
    pub unfinished: usize,
}

/// What every handle shares: the counts, and how many consumers could still finish an item.
#[derive(Debug, Default)]
struct State {
    counts: Counts,
    // Live `Consumer` handles plus `Task`s in hand: an item can be finished only while one is.
    consumers: usize,
}

type Shared = Arc<watch::Sender<State>>;

/// A bounded queue that counts unfinished items, like `asyncio.Queue` with `task_done` / `join`.
/// Clones share one queue; consumers take items through a [`Consumer`].
pub struct JoinableQueue<T> {
    tx: async_channel::Sender<T>,
    rx: async_channel::Receiver<T>,
    shared: Shared,
}

impl<T> JoinableQueue<T> {
    /// A queue of at most `capacity` waiting items. Its slots are allocated now:
    /// `capacity × (size_of::<T>() + 8)` bytes.
    ///
    /// # Errors
    /// [`ConfigError::Zero`] when `capacity` is 0, [`ConfigError::TooLarge`] past
    /// [`MAX_CAPACITY`](basics::config::MAX_CAPACITY) (2^20).
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
    /// let consumer = queue.consumer();
    /// tokio::spawn(async move {
    ///     while let Some(task) = consumer.get().await {
    ///         if *task == "b" {
    ///             panic!("b is poison"); // the guard still counts `b` as finished (failed)
    ///         }
    ///         task.done();
    ///     }
    /// });
    /// queue.join().await?; // returns: nothing is left unfinished
    /// assert_eq!(queue.counts().done, 1);
    /// assert_eq!(queue.counts().failed, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(capacity: usize) -> Result<JoinableQueue<T>, ConfigError> {
        let capacity = config::count("capacity", capacity)?;
        let (tx, rx) = async_channel::bounded(capacity);
        Ok(JoinableQueue {
            tx,
            rx,
            shared: Arc::new(watch::Sender::new(State::default())),
        })
    }

    /// A new consumer of this queue. While it (or a [`Task`] it handed out) lives, `join` waits
    /// for queued items instead of reporting [`NoConsumerLeft`].
    pub fn consumer(&self) -> Consumer<T> {
        Consumer::new(self.rx.clone(), Arc::clone(&self.shared))
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
        self.shared
            .send_modify(|state| state.counts.unfinished += 1);
        let uncount = Uncount {
            shared: &self.shared,
        };
        self.tx.send(item).await.map_err(|error| Closed(error.0))?;
        std::mem::forget(uncount);
        Ok(())
    }
    // ANCHOR_END: put

    // ANCHOR: join
    /// Waits until every item put so far is finished (marked done, or failed), or until no
    /// consumer is left to finish the rest.
    ///
    /// # Errors
    /// [`NoConsumerLeft`] with the number of unfinished items when every [`Consumer`] and every
    /// [`Task`] has been dropped while items are still queued: nothing could ever finish them.
    ///
    /// # Cancel safety
    /// Cancel safe: it only watches the counts.
    pub async fn join(&self) -> Result<(), NoConsumerLeft> {
        let mut state = self.shared.subscribe();
        // `wait_for` fails only when the sender is gone, and this queue holds it.
        let state = state
            .wait_for(|state| state.counts.unfinished == 0 || state.consumers == 0)
            .await
            .expect("the queue holds the sender");
        match state.counts.unfinished {
            0 => Ok(()),
            unfinished => Err(NoConsumerLeft { unfinished }),
        }
    }
    // ANCHOR_END: join

    /// Stops new puts at once; consumers drain what is queued and then get `None`. Returns
    /// `false` when it was already closed.
    pub fn close(&self) -> bool {
        self.tx.close()
    }

    /// The counts now.
    pub fn counts(&self) -> Counts {
        self.shared.borrow().counts
    }
}

impl<T> Clone for JoinableQueue<T> {
    fn clone(&self) -> Self {
        JoinableQueue {
            tx: self.tx.clone(),
            rx: self.rx.clone(),
            shared: Arc::clone(&self.shared),
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
    shared: &'a Shared,
}

impl Drop for Uncount<'_> {
    fn drop(&mut self) {
        self.shared
            .send_modify(|state| state.counts.unfinished -= 1);
    }
}

/// The taking end of a [`JoinableQueue`], made by [`JoinableQueue::consumer`]. Clones are more
/// consumers; when the last consumer (and the last [`Task`] in hand) is dropped, `join` stops
/// waiting for queued items and reports them unfinished.
pub struct Consumer<T> {
    rx: async_channel::Receiver<T>,
    shared: Shared,
}

impl<T> Consumer<T> {
    fn new(rx: async_channel::Receiver<T>, shared: Shared) -> Consumer<T> {
        shared.send_modify(|state| state.consumers += 1);
        Consumer { rx, shared }
    }

    /// Takes the next item as a [`Task`], waiting while the queue is empty; `None` once the
    /// queue is [closed](JoinableQueue::close) and drained.
    ///
    /// # Cancel safety
    /// Cancel safe: an item is taken out only when the future completes.
    pub async fn get(&self) -> Option<Task<T>> {
        let item = self.rx.recv().await.ok()?;
        // This consumer is alive until the guard exists, so the count never touches zero here.
        self.shared.send_modify(|state| state.consumers += 1);
        Some(Task {
            item,
            guard: DoneGuard {
                shared: Arc::clone(&self.shared),
                finished: false,
            },
        })
    }
}

impl<T> Clone for Consumer<T> {
    fn clone(&self) -> Self {
        Consumer::new(self.rx.clone(), Arc::clone(&self.shared))
    }
}

impl<T> Drop for Consumer<T> {
    fn drop(&mut self) {
        self.shared.send_modify(|state| state.consumers -= 1);
    }
}

impl<T> fmt::Debug for Consumer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("len", &self.rx.len())
            .finish_non_exhaustive()
    }
}

// ANCHOR: task
/// An item taken from a [`JoinableQueue`]. Read it through `Deref`; call [`done`](Task::done)
/// when it is processed. Dropped any other way, it counts as failed: either way `join` stops
/// waiting for it.
#[derive(Debug)]
#[must_use = "a task dropped without `done()` counts as failed"]
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
#[must_use = "a guard dropped without `done()` counts its item as failed"]
pub struct DoneGuard {
    shared: Shared,
    finished: bool,
}

impl DoneGuard {
    /// Marks the item done.
    pub fn done(mut self) {
        self.finished = true;
        self.shared.send_modify(|state| {
            state.counts.unfinished -= 1;
            state.counts.done += 1;
            state.consumers -= 1;
        });
    }
}

impl Drop for DoneGuard {
    fn drop(&mut self) {
        // Runs on every path out of a consumer: an early return, a `?`, a panic unwinding, an
        // abort. That is what keeps `join` from waiting forever.
        if !self.finished {
            self.shared.send_modify(|state| {
                state.counts.unfinished -= 1;
                state.counts.failed += 1;
                state.consumers -= 1;
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
