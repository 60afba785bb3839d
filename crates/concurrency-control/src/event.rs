//! Event: a latched flag; once set, every current and future waiter goes through.
//!
//! [`Event::set`] raises the flag and wakes every waiter; [`Event::wait`] returns at once when the
//! flag is already set; [`Event::clear`] re-arms it, as `asyncio.Event.clear` does, and a `set`
//! followed at once by `clear` still releases the waiters it woke. Clones share the flag.
//!
//! The lesson: `docs/concurrency-control.md`, section *Event*.

use std::sync::Arc;

use tokio::sync::watch;

// ANCHOR: event
/// A latched, clearable flag that many tasks can wait on.
///
/// Clones share the flag: hand a clone to each task.
///
/// # Examples
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let start = concurrency_control::Event::new();
/// let waiter = tokio::spawn({
///     let start = start.clone();
///     async move { start.wait().await }
/// });
/// start.set();
/// waiter.await.unwrap();
/// start.wait().await; // already set: returns at once
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Event {
    // The event owns the sender, so the channel never closes while anyone can wait on it.
    flag: Arc<watch::Sender<Flag>>,
}

/// The flag, and how many times it went from clear to set.
#[derive(Debug, Clone, Copy, Default)]
struct Flag {
    set: bool,
    sets: u64,
}

impl Event {
    /// An event that is not set.
    pub fn new() -> Event {
        Event {
            flag: Arc::new(watch::Sender::new(Flag::default())),
        }
    }

    /// Sets the flag and wakes every waiter; later waiters return at once.
    ///
    /// As with asyncio, a waiter woken by this call goes through even if
    /// [`clear`](Event::clear) runs before it is polled.
    pub fn set(&self) {
        // `send_if_modified` notifies only on a change, so setting twice wakes nobody twice.
        self.flag.send_if_modified(|flag| {
            if flag.set {
                return false;
            }
            flag.set = true;
            flag.sets = flag.sets.wrapping_add(1);
            true
        });
    }

    /// Clears the flag: later waiters wait for the next [`set`](Event::set).
    pub fn clear(&self) {
        self.flag
            .send_if_modified(|flag| std::mem::replace(&mut flag.set, false));
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        self.flag.borrow().set
    }

    // ANCHOR: event_key
    /// Waits until the flag is set; returns at once if it already is.
    ///
    /// # Cancel safety
    /// Cancel-safe: a drop while waiting changes nothing.
    pub async fn wait(&self) {
        let mut seen = self.flag.subscribe();
        let arrived = *seen.borrow_and_update();
        if arrived.set {
            return;
        }
        // A set since arrival counts even if the flag was cleared again before this task ran:
        // a `set` followed at once by `clear` must not strand the waiters it woke.
        // The sender lives in `self`, which outlives this borrow, so the channel cannot close.
        let _ = seen
            .wait_for(|flag| flag.set || flag.sets != arrived.sets)
            .await;
    }
    // ANCHOR_END: event_key
}
// ANCHOR_END: event

impl Default for Event {
    fn default() -> Event {
        Event::new()
    }
}
