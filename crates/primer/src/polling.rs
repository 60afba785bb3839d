//! Polling and wakers in one picture: a future written by hand, [`Gate`], whose
//! [`Wait`] future stores the waker when it is not ready and is polled again only after
//! [`Gate::open`] wakes it.
//!
//! The narrative is the primer's section
//! [Polling and wakers](../../../book/primer.html#polling-and-wakers).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use crate::Note;

/// A one-shot gate: tasks [`wait`](Gate::wait) until somebody [`open`](Gate::open)s it, after
/// which every wait is ready at once. Clones share the gate.
///
/// It is the smallest useful future written by hand: everything `tokio::sync::Notify` or an
/// `asyncio.Event` does for a waiter, with the waker in plain sight.
///
/// # Examples
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let gate = primer::Gate::new();
/// let opener = gate.clone();
/// tokio::spawn(async move { opener.open() });
/// gate.wait(|_| {}).await; // Pending once, then woken by the spawned task
/// assert_eq!(gate.polls(), 2);
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Gate {
    inner: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    open: bool,
    /// The waker of the last `Wait` polled while the gate was shut (one waiter is all this
    /// teaching gate supports; a second waiter's poll replaces the first's waker).
    waker: Option<Waker>,
    polls: u32,
}

impl Gate {
    /// A shut gate.
    pub fn new() -> Gate {
        Gate::default()
    }

    // A std mutex: it is held for a few assignments, never across an `.await`, and the state
    // stays consistent at every point a panic could happen, so poison is ignored.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // ANCHOR: open
    /// Opens the gate and wakes the waiter, if one is parked. Returns whether a waker was woken.
    pub fn open(&self) -> bool {
        let waker = {
            let mut state = self.lock();
            state.open = true;
            state.waker.take()
        };
        // Wake outside the lock: waking may poll the waiter at once on another thread, and that
        // poll takes the lock.
        waker.map(Waker::wake).is_some()
    }
    // ANCHOR_END: open

    /// A future that is ready once the gate is open; `note` hears of every poll.
    pub fn wait<N: Fn(String)>(&self, note: N) -> Wait<N> {
        Wait {
            gate: self.clone(),
            note,
        }
    }

    /// How many times a [`Wait`] of this gate has been polled.
    pub fn polls(&self) -> u32 {
        self.lock().polls
    }
}

/// The future [`Gate::wait`] returns.
///
/// # Cancel safety
/// Dropping it loses nothing: the gate stays as it was (a stored waker just wakes nobody).
#[derive(Debug)]
#[must_use = "a future does nothing unless polled"]
pub struct Wait<N> {
    gate: Gate,
    note: N,
}

// ANCHOR: poll
impl<N: Fn(String)> Future for Wait<N> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.gate.lock();
        state.polls += 1;
        let poll = state.polls;
        if state.open {
            drop(state);
            (self.note)(format!("poll {poll} -> Ready"));
            return Poll::Ready(());
        }
        // Not ready: keep the waker, so `open` can ask the runtime to poll us again. Without
        // this the task would sleep forever: nothing polls a future that nobody wakes.
        state.waker = Some(cx.waker().clone());
        drop(state);
        (self.note)(format!("poll {poll} -> Pending, waker stored"));
        Poll::Pending
    }
}
// ANCHOR_END: poll

// `Wait` holds no self-references, so it is `Unpin` whatever `N` is: it can be polled through
// `&mut` without pinning (see the pinning section).
impl<N> Unpin for Wait<N> {}

/// The section's scenario: a task waits on a shut gate; `open_after` later another task opens it.
/// Returns how many times the wait was polled: 2, however long the gate stays shut.
///
/// # Cancel safety
/// Dropped while waiting, it drops the opener's handle, which detaches the opener: that task still
/// opens the gate on time, for nobody.
pub async fn wait_for_gate(open_after: std::time::Duration, note: impl Note) -> u32 {
    let gate = Gate::new();
    let opener = gate.clone();
    let opener_note = note.clone();
    let opener = tokio::spawn(async move {
        tokio::time::sleep(open_after).await;
        let woke = opener.open();
        opener_note(format!("opener: open() woke a waiter: {woke}"));
    });
    note("waiter: awaiting the gate".to_owned());
    gate.wait(note.clone()).await;
    note(format!("waiter: through after {} polls", gate.polls()));
    // The opener has done its work; joining collects it (it cannot panic, so its error is moot).
    let _ = opener.await;
    gate.polls()
}
