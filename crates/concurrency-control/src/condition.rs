//! Condition: wait until a predicate on shared state holds, then act on that state atomically.
//!
//! [`Condition`] owns the state, inside a `watch` channel: [`Condition::modify`] changes it and
//! wakes every waiter; [`Condition::wait_for`] returns a copy of it once the predicate holds;
//! [`Condition::wait_then`] checks the predicate and runs an action under one lock, so two
//! consumers cannot both take the last item. The closures run under the channel's lock: keep them
//! short. Clones share the state.
//!
//! The lesson: `docs/concurrency-control.md`, section *Condition*.

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

    // ANCHOR: modify
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
    // ANCHOR_END: modify

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
            // ANCHOR: condition_key
            let mut out = None;
            self.state.send_if_modified(|state| {
                if !predicate(state) {
                    return false;
                }
                let act = action.take().expect("the action runs at most once");
                out = Some(act(state));
                true
            });
            // ANCHOR_END: condition_key
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
