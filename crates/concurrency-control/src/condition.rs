//! Condition: wait until a predicate on shared state holds, then act on that state atomically.
//!
//! # Python
//! ```python
//! cond = asyncio.Condition()
//! stock = []
//!
//! async def consumer():
//!     async with cond:
//!         await cond.wait_for(lambda: len(stock) > 0)
//!         return stock.pop()
//!
//! async def producer(item):
//!     async with cond:
//!         stock.append(item)
//!         cond.notify_all()
//! ```
//!
//! # Rust
//! tokio has no `Condvar`. [`Condition`] builds one from a `watch` channel that owns the state:
//! [`Condition::modify`] changes it and wakes every waiter; [`Condition::wait_for`] returns a copy
//! of the state once the predicate holds; [`Condition::wait_then`] re-checks the predicate and
//! runs an action *under the same lock*, so two consumers cannot both take the last item.
//!
//! No wake-up is lost: a `watch` receiver remembers the version it last saw, so a change made
//! between a consumer's check and its `.await` still wakes it. The hand-made alternative,
//! `Notify` + `Mutex`, must create the `Notified` future (and `enable` it) *before* checking the
//! state to get the same guarantee.
//!
//! # Differences
//! - asyncio's `wait_for` returns holding the lock; here the lock is a std `RwLock` inside
//!   `watch`, held only while a closure runs, never across an `.await`.
//! - Every modification wakes every waiter (`notify_all`); there is no `notify(1)`.
//!
//! # Pitfalls
//! - Check-then-act in two steps: [`Condition::wait_for`] then [`Condition::modify`] lets
//!   another consumer act in between. Use [`Condition::wait_then`].
//! - Closures run under the channel's lock: keep them short and never block in them.
//!
//! # In production
//! `watch::Receiver::wait_for` directly when one producer publishes state; a channel when the
//! "state" is really a queue of items.

use std::sync::Arc;

use tokio::sync::watch;

// ANCHOR: condition
/// Shared state that tasks can wait on until a predicate holds.
///
/// Clones share the state: hand a clone to each task.
///
/// # Examples
/// ```
/// use concurrency_control::Condition;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let stock = Condition::new(Vec::<u32>::new());
/// let consumer = tokio::spawn({
///     let stock = stock.clone();
///     async move { stock.wait_then(|s| !s.is_empty(), |s| s.pop()).await }
/// });
/// stock.modify(|s| s.push(7));
/// assert_eq!(consumer.await.unwrap(), Some(7));
/// # }
/// ```
#[derive(Debug)]
pub struct Condition<T> {
    // The condition owns the sender, so the channel never closes while anyone can wait on it.
    state: Arc<watch::Sender<T>>,
}

impl<T> Clone for Condition<T> {
    fn clone(&self) -> Condition<T> {
        Condition {
            state: Arc::clone(&self.state),
        }
    }
}

impl<T> Condition<T> {
    /// A condition over `state`.
    pub fn new(state: T) -> Condition<T> {
        Condition {
            state: Arc::new(watch::Sender::new(state)),
        }
    }

    /// Changes the state and wakes every waiter to re-check its predicate.
    pub fn modify<R>(&self, change: impl FnOnce(&mut T) -> R) -> R {
        let mut out = None;
        self.state.send_modify(|state| out = Some(change(state)));
        out.expect("send_modify runs the closure exactly once")
    }

    /// Waits until `predicate` holds and returns a copy of the state at that moment.
    ///
    /// # Cancel safety
    /// Cancel-safe: a drop while waiting changes nothing.
    pub async fn wait_for(&self, mut predicate: impl FnMut(&T) -> bool) -> T
    where
        T: Clone,
    {
        let mut seen = self.state.subscribe();
        // The sender lives in `self`, which outlives this borrow, so the channel cannot close.
        let state = seen
            .wait_for(|state| predicate(state))
            .await
            .expect("the condition owns the sender");
        state.clone()
    }

    // ANCHOR: wait_then
    /// Waits until `predicate` holds, then runs `action` on the state while no one else can
    /// change it, and wakes the other waiters.
    ///
    /// # Cancel safety
    /// Cancel-safe: `action` runs in one synchronous step, so a drop either happens before it
    /// (nothing changed) or not at all.
    pub async fn wait_then<R>(
        &self,
        mut predicate: impl FnMut(&T) -> bool,
        action: impl FnOnce(&mut T) -> R,
    ) -> R {
        let mut seen = self.state.subscribe();
        let mut action = Some(action);
        loop {
            // Marks the current version as seen before checking, so any later change wakes us.
            seen.borrow_and_update();
            let mut out = None;
            self.state.send_if_modified(|state| {
                if !predicate(state) {
                    return false;
                }
                let act = action.take().expect("the action runs at most once");
                out = Some(act(state));
                true
            });
            if let Some(out) = out {
                return out;
            }
            // The sender lives in `self`, so `changed` fails only if that were violated.
            seen.changed().await.expect("the condition owns the sender");
        }
    }
    // ANCHOR_END: wait_then

    /// Reads the state without waiting.
    pub fn with<R>(&self, read: impl FnOnce(&T) -> R) -> R {
        read(&self.state.borrow())
    }
}
// ANCHOR_END: condition
