//! Priority: the most urgent waiting job is served first, whatever its arrival order.
//!
//! # Python
//! ```python
//! queue = asyncio.PriorityQueue(maxsize=100)
//! await queue.put((0, "urgent"))     # lower number first
//! await queue.put((5, "routine"))
//! priority, job = await queue.get()  # "urgent"
//! ```
//!
//! # Rust
//! [`PriorityQueue`] is a `BinaryHeap` behind a `std::sync::Mutex` (held for a push or a pop,
//! never across an `.await`) plus two [`Notify`]s: one wakes a consumer when an item arrives,
//! the other a producer when room frees. Equal priorities leave in arrival order (a sequence
//! number breaks ties), and [`PriorityQueue::close`] lets consumers drain and stop.
//!
//! # Differences
//! - Higher priority values come out first (Rust's `BinaryHeap` is a max-heap); asyncio's
//!   `PriorityQueue` serves the *lowest* first.
//! - Each waiter `enable`s its `Notified` before checking the heap, so a `notify_one` sent
//!   between its check and its `.await` reaches it: a stored permit alone is one wake-up, shared
//!   by however many tasks were in that gap.
//!
//! # Pitfalls
//! - Strict priority starves low priorities under constant high-priority load; age them or
//!   reserve capacity if that matters.
//! - With a handful of fixed priorities, one channel per priority and a `biased` `select!` is
//!   simpler (the example shows it).
//!
//! # In production
//! One bounded channel per class + `tokio::select! { biased; .. }`; a heap when priorities are
//! many or computed.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::pin::pin;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

/// Why a [`PriorityQueue`] could not be built or take an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PriorityError {
    /// A capacity of 0 could never hold an item.
    #[error("the capacity must be at least 1")]
    ZeroCapacity,
    /// The queue was closed: nothing more is accepted.
    #[error("the queue is closed")]
    Closed,
}

struct Entry<T> {
    priority: u32,
    seq: u64,
    item: T,
}

impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Higher priority first; among equals, the lower sequence number (earlier push) first.
        self.priority
            .cmp(&other.priority)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<T> Eq for Entry<T> {}

struct State<T> {
    heap: BinaryHeap<Entry<T>>,
    next_seq: u64,
    closed: bool,
}

// ANCHOR: priority_queue
/// A bounded async priority queue: [`pop`](PriorityQueue::pop) returns the highest priority item,
/// the earliest pushed among equals.
///
/// # Examples
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), concurrency_control::PriorityError> {
/// let queue = concurrency_control::PriorityQueue::new(10)?;
/// queue.push(1, "routine").await?;
/// queue.push(9, "urgent").await?;
/// assert_eq!(queue.pop().await, Some("urgent"));
/// # Ok(())
/// # }
/// ```
pub struct PriorityQueue<T> {
    state: Mutex<State<T>>,
    capacity: usize,
    item_pushed: Notify,
    room_freed: Notify,
}

impl<T> PriorityQueue<T> {
    /// An empty queue holding at most `capacity` items.
    ///
    /// # Errors
    /// [`PriorityError::ZeroCapacity`] for 0.
    pub fn new(capacity: usize) -> Result<PriorityQueue<T>, PriorityError> {
        if capacity == 0 {
            return Err(PriorityError::ZeroCapacity);
        }
        Ok(PriorityQueue {
            state: Mutex::new(State {
                heap: BinaryHeap::new(),
                next_seq: 0,
                closed: false,
            }),
            capacity,
            item_pushed: Notify::new(),
            room_freed: Notify::new(),
        })
    }

    // The lock is held for a heap operation only; no panic can happen under it, so poison is
    // ignored.
    fn state(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds `item`, waiting while the queue is full.
    ///
    /// # Errors
    /// [`PriorityError::Closed`] once [`close`](PriorityQueue::close) was called.
    ///
    /// # Cancel safety
    /// Cancel-safe: the item is either in the queue or dropped with the future.
    pub async fn push(&self, priority: u32, item: T) -> Result<(), PriorityError> {
        loop {
            // Register before checking, so a pop on another thread in between wakes this task:
            // an un-enabled `Notified` gets only the one stored permit, which two waiting
            // producers would share.
            let mut room = pin!(self.room_freed.notified());
            room.as_mut().enable();
            {
                let mut state = self.state();
                if state.closed {
                    return Err(PriorityError::Closed);
                }
                if state.heap.len() < self.capacity {
                    let seq = state.next_seq;
                    state.next_seq += 1;
                    state.heap.push(Entry {
                        priority,
                        seq,
                        item,
                    });
                    drop(state);
                    self.item_pushed.notify_one();
                    return Ok(());
                }
            }
            room.await;
        }
    }

    // ANCHOR: pop
    /// Takes the highest priority item, waiting while the queue is empty; `None` once it is
    /// closed and drained.
    ///
    /// # Cancel safety
    /// Cancel-safe: an item is removed only when `pop` returns it.
    pub async fn pop(&self) -> Option<T> {
        loop {
            // Registered before the check, as in `push`.
            let mut pushed = pin!(self.item_pushed.notified());
            pushed.as_mut().enable();
            {
                let mut state = self.state();
                if let Some(entry) = state.heap.pop() {
                    let more = !state.heap.is_empty();
                    drop(state);
                    self.room_freed.notify_one();
                    if more {
                        // Pass the wake-up on: another consumer may be waiting for the rest.
                        self.item_pushed.notify_one();
                    }
                    return Some(entry.item);
                }
                if state.closed {
                    return None;
                }
            }
            pushed.await;
        }
    }
    // ANCHOR_END: pop

    /// Stops accepting items; consumers drain what is left, then get `None`.
    pub fn close(&self) {
        self.state().closed = true;
        self.item_pushed.notify_waiters();
        self.room_freed.notify_waiters();
    }

    /// Items waiting now.
    pub fn len(&self) -> usize {
        self.state().heap.len()
    }

    /// Whether no item is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
// ANCHOR_END: priority_queue

impl<T> std::fmt::Debug for PriorityQueue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PriorityQueue")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}
