//! Priority: the most urgent waiting job is served first, whatever its arrival order.
//!
//! [`PriorityQueue`] is bounded: [`PriorityQueue::push`] waits while it is full,
//! [`PriorityQueue::pop`] waits while it is empty and returns the highest priority (the earliest
//! pushed among equals), and [`PriorityQueue::close`] lets consumers drain what is left, then get
//! `None`. Higher values come out first. Clones share the queue.
//!
//! The lesson: `docs/concurrency-control.md`, section *Priority*.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::pin::pin;
use std::sync::{Arc, Mutex, PoisonError};

use basics::config::{self, ConfigError};
use tokio::sync::Notify;

/// The queue was closed: [`PriorityQueue::push`] accepts nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the queue is closed")]
pub struct Closed;

struct Entry<T> {
    priority: u32,
    seq: u64,
    item: T,
}

// ANCHOR: priority_key
impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Higher priority first; among equals, the lower sequence number (earlier push) first.
        self.priority
            .cmp(&other.priority)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}
// ANCHOR_END: priority_key
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
/// Clones share the queue: hand a clone to each producer and consumer.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let queue = concurrency_control::PriorityQueue::new(10)?;
/// queue.push(1, "routine").await?;
/// queue.push(9, "urgent").await?;
/// assert_eq!(queue.pop().await, Some("urgent"));
/// # Ok(())
/// # }
/// ```
pub struct PriorityQueue<T> {
    shared: Arc<Shared<T>>,
}

struct Shared<T> {
    // A std mutex: held for one heap operation, never across an `.await`.
    state: Mutex<State<T>>,
    capacity: usize,
    item_pushed: Notify,
    room_freed: Notify,
}

impl<T> PriorityQueue<T> {
    /// An empty queue holding at most `capacity` items. The heap grows as items arrive.
    ///
    /// # Errors
    /// [`ConfigError`] for 0 or past [`MAX_CAPACITY`](config::MAX_CAPACITY).
    pub fn new(capacity: usize) -> Result<PriorityQueue<T>, ConfigError> {
        let capacity = config::count("capacity", capacity)?;
        Ok(PriorityQueue {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    heap: BinaryHeap::new(),
                    next_seq: 0,
                    closed: false,
                }),
                capacity,
                item_pushed: Notify::new(),
                room_freed: Notify::new(),
            }),
        })
    }

    /// Adds `item`, waiting while the queue is full.
    ///
    /// # Errors
    /// [`Closed`] once [`close`](PriorityQueue::close) was called.
    ///
    /// # Cancel safety
    /// Cancel-safe: the item is either in the queue or dropped with the future.
    pub async fn push(&self, priority: u32, item: T) -> Result<(), Closed> {
        let shared = &*self.shared;
        loop {
            // Register before checking, so a pop on another thread in between wakes this task:
            // an un-enabled `Notified` gets only the one stored permit, which two waiting
            // producers would share.
            let mut room = pin!(shared.room_freed.notified());
            room.as_mut().enable();
            {
                let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
                if state.closed {
                    return Err(Closed);
                }
                if state.heap.len() < shared.capacity {
                    let seq = state.next_seq;
                    state.next_seq += 1;
                    state.heap.push(Entry {
                        priority,
                        seq,
                        item,
                    });
                    drop(state);
                    shared.item_pushed.notify_one();
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
        let shared = &*self.shared;
        loop {
            // Registered before the check, as in `push`.
            let mut pushed = pin!(shared.item_pushed.notified());
            pushed.as_mut().enable();
            {
                let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(entry) = state.heap.pop() {
                    let more = !state.heap.is_empty();
                    drop(state);
                    shared.room_freed.notify_one();
                    if more {
                        // Pass the wake-up on: another consumer may be waiting for the rest.
                        shared.item_pushed.notify_one();
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

    /// Stops accepting items at once; consumers drain what is left, then get `None`. Returns
    /// whether this call closed the queue (`false` if it was already closed).
    pub fn close(&self) -> bool {
        let shared = &*self.shared;
        let was_open = !std::mem::replace(
            &mut shared
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .closed,
            true,
        );
        shared.item_pushed.notify_waiters();
        shared.room_freed.notify_waiters();
        was_open
    }

    /// Items waiting now.
    pub fn len(&self) -> usize {
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .heap
            .len()
    }

    /// Whether no item is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
// ANCHOR_END: priority_queue

impl<T> Clone for PriorityQueue<T> {
    fn clone(&self) -> PriorityQueue<T> {
        PriorityQueue {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<T> std::fmt::Debug for PriorityQueue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PriorityQueue")
            .field("len", &self.len())
            .field("capacity", &self.shared.capacity)
            .finish_non_exhaustive()
    }
}
