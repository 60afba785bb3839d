//! Event: a latched flag; once set, every current and future waiter goes through.
//!
//! # Python
//! ```python
//! start = asyncio.Event()
//!
//! async def worker(n):
//!     await start.wait()
//!     print(f"worker {n} started")
//!
//! workers = [asyncio.create_task(worker(n)) for n in range(3)]
//! await asyncio.sleep(1)
//! start.set()
//! ```
//!
//! # Rust
//! [`Event`] is a `watch` channel of `bool`: [`Event::set`] stores `true` and wakes every
//! waiter; [`Event::wait`] returns at once when the flag is already set, so a waiter that
//! arrives late is not lost. [`Event::clear`] re-arms it, as `asyncio.Event.clear`.
//!
//! # Differences
//! - [`tokio::sync::Notify`] is not an event: `notify_waiters` wakes only the tasks waiting at
//!   that moment, and `notify_one` stores a single permit. A late waiter misses the first and only
//!   one task consumes the second.
//! - For a one-way "stop now" signal, tokio-util's `CancellationToken` is the ready-made latched
//!   event, with child tokens.
//!
//! # Pitfalls
//! - Building an event from `notify_waiters` loses waiters that had not reached `.await` yet.
//!
//! # In production
//! `CancellationToken` for shutdown and start signals; a `watch` channel when the flag carries
//! state.

use tokio::sync::watch;

// ANCHOR: event
/// A latched, clearable flag that many tasks can wait on.
///
/// Share it with an `Arc`.
///
/// # Examples
/// ```
/// use std::sync::Arc;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let start = Arc::new(concurrency_control::Event::new());
/// let waiter = tokio::spawn({
///     let start = Arc::clone(&start);
///     async move { start.wait().await }
/// });
/// start.set();
/// waiter.await.unwrap();
/// start.wait().await; // already set: returns at once
/// # }
/// ```
#[derive(Debug)]
pub struct Event {
    // The event owns the sender, so the channel never closes while anyone can wait on it.
    flag: watch::Sender<bool>,
}

impl Event {
    /// An event that is not set.
    pub fn new() -> Event {
        Event {
            flag: watch::Sender::new(false),
        }
    }

    /// Sets the flag and wakes every waiter; later waiters return at once.
    pub fn set(&self) {
        // `send_if_modified` notifies only on a change, so setting twice wakes nobody twice.
        self.flag
            .send_if_modified(|set| !std::mem::replace(set, true));
    }

    /// Clears the flag: later waiters wait for the next [`set`](Event::set).
    pub fn clear(&self) {
        self.flag
            .send_if_modified(|set| std::mem::replace(set, false));
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        *self.flag.borrow()
    }

    /// Waits until the flag is set; returns at once if it already is.
    ///
    /// # Cancel safety
    /// Cancel-safe: a drop while waiting changes nothing.
    pub async fn wait(&self) {
        let mut seen = self.flag.subscribe();
        // The sender lives in `self`, which outlives this borrow, so the channel cannot close.
        let _ = seen.wait_for(|set| *set).await;
    }
}
// ANCHOR_END: event

impl Default for Event {
    fn default() -> Event {
        Event::new()
    }
}
