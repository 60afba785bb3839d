//! Polling by hand: drive a future one `poll` at a time and check each step, including that it
//! registered its waker.
//!
//! A future that returns `Poll::Pending` promises to arrange a wake-up; one that forgets is
//! never polled again and hangs without an error. `tokio_test::task::spawn` wraps a future in a
//! mock task whose waker records wake-ups: `poll()` polls it once, `is_woken()` says whether it
//! has been woken since, and `assert_pending!` / `assert_ready!` check the outcome. [`Latch`] is a
//! hand-written future done right; [`Latch::wait_forgetful`] is the classic mistake, so a test
//! can show `is_woken()` catching it.
//!
//! The lesson: `docs/testing.md`, section *Polling by hand*.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

// ANCHOR: latch
/// A one-shot gate: [`wait`](Latch::wait) is pending until [`open`](Latch::open) is called,
/// then ready for ever. Clones share the gate.
#[derive(Clone, Default)]
pub struct Latch {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    open: bool,
    wakers: Vec<Waker>,
}

impl Latch {
    /// A closed latch.
    pub fn new() -> Latch {
        Latch::default()
    }

    // Locked for a flag or a push, never across an `.await` (there is none in this file).
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens the latch and wakes every waiter.
    pub fn open(&self) {
        let wakers = {
            let mut state = self.state();
            state.open = true;
            std::mem::take(&mut state.wakers)
        };
        // Woken outside the lock: a waker may run code that takes it again.
        for waker in wakers {
            waker.wake();
        }
    }

    /// A future that completes once the latch is open.
    pub fn wait(&self) -> Wait {
        Wait {
            latch: self.clone(),
            remember_waker: true,
        }
    }

    /// WRONG: a future that returns `Pending` without keeping the waker, so `open` has nobody
    /// to wake and an `.await` on it hangs.
    pub fn wait_forgetful(&self) -> Wait {
        Wait {
            latch: self.clone(),
            remember_waker: false,
        }
    }
}

/// The future of [`Latch::wait`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Wait {
    latch: Latch,
    remember_waker: bool,
}

impl Future for Wait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.latch.state();
        if state.open {
            return Poll::Ready(());
        }
        if self.remember_waker {
            // The promise behind `Pending`: whoever opens the latch will wake this task. A
            // waker already kept for the same task is replaced rather than kept twice.
            match state.wakers.iter_mut().find(|w| w.will_wake(cx.waker())) {
                Some(kept) => kept.clone_from(cx.waker()),
                None => state.wakers.push(cx.waker().clone()),
            }
        }
        Poll::Pending
    }
}
// ANCHOR_END: latch

impl fmt::Debug for Latch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("Latch")
            .field("open", &state.open)
            .field("waiters", &state.wakers.len())
            .finish()
    }
}

impl fmt::Debug for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("remember_waker", &self.remember_waker)
            .finish_non_exhaustive()
    }
}
