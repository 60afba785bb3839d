//! A std guard across `.await`: a `std::sync::MutexGuard` kept alive over an `.await` blocks
//! the next task that locks the mutex on the same thread, and the holder cannot run to release
//! it: a deadlock.
//!
//! `tokio::spawn` refuses the future (a std guard is not `Send`), so on a multi-thread runtime
//! the compiler catches it:
//! ```compile_fail,E0277
//! use pitfalls::guard_across_await::{Counter, increment_holding};
//! # async fn demo() {
//! let counter = Counter::new();
//! // error[E0277]: `std::sync::MutexGuard<'_, u64>` cannot be sent between threads safely
//! tokio::spawn(async move { increment_holding(&counter).await });
//! # }
//! ```
//! Without a `Send` bound (two futures under `join!`, a `current_thread` runtime's
//! `block_on`, a `LocalSet`) it compiles, and clippy's `await_holding_lock` is what catches it
//! (the workspace denies it).
//!
//! The lesson: `docs/pitfalls.md`, section *A std guard across .await*.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// A counter behind a std mutex. Clones share the count.
#[derive(Debug, Clone, Default)]
pub struct Counter {
    value: Arc<Mutex<u64>>,
}

impl Counter {
    /// A counter at 0.
    pub fn new() -> Counter {
        Counter::default()
    }

    /// The count.
    pub fn get(&self) -> u64 {
        *self.lock()
    }

    // Every critical section here is a read or an increment: a panic cannot leave the count
    // half-written, so poison is ignored.
    fn lock(&self) -> MutexGuard<'_, u64> {
        self.value.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Stands in for an `.await` in the middle of an update (an audit write, a call to another
/// service): other tasks run while it waits.
async fn audit() {
    tokio::task::yield_now().await;
}

// ANCHOR: wrong
/// WRONG: the guard lives across `audit().await`. A second caller on the same thread blocks in
/// `lock()` while this one, suspended, cannot run to release it.
#[expect(
    clippy::await_holding_lock,
    reason = "the pitfall: the workspace denies this lint, and the expect proves it still fires"
)]
pub async fn increment_holding(counter: &Counter) {
    let mut value = counter.lock();
    audit().await;
    *value += 1;
}
// ANCHOR_END: wrong

// ANCHOR: right
/// RIGHT: the guard lives only for the increment; the `.await` comes after it is dropped. (When
/// the state must stay locked across an `.await`, use `tokio::sync::Mutex`, whose `lock` is
/// itself awaited.)
pub async fn increment(counter: &Counter) {
    *counter.lock() += 1;
    audit().await;
}
// ANCHOR_END: right

/// How two concurrent increments ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Both finished; the count.
    Finished(u64),
    /// Still not finished after the wait: the thread is stuck in `lock()`.
    Deadlocked,
    /// The thread panicked (`std::sync::Mutex` may panic instead of deadlocking when a thread
    /// locks a mutex it holds; on Linux it blocks).
    Panicked,
}

/// Which increment [`two_increments`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// [`increment_holding`].
    Wrong,
    /// [`increment`].
    Right,
}

// ANCHOR: scenario
/// Runs two increments with `join!` on a `current_thread` runtime of their own, on a thread of
/// their own, and waits up to `patience` (real time) for them. A deadlocked thread is left
/// behind, blocked until the process exits: this is how the wrong version is run safely.
///
/// # Panics
/// When the operating system refuses a thread or a runtime.
pub fn two_increments(version: Version, patience: Duration) -> Outcome {
    let (started_tx, started) = mpsc::channel::<()>();
    let (done_tx, done) = mpsc::channel::<u64>();
    let thread = std::thread::Builder::new().name("two-increments".into());
    thread
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("the OS lets a current-thread runtime start");
            let counter = Counter::new();
            // The receiver may be gone (the caller stopped waiting): nothing to tell then.
            let _ = started_tx.send(());
            runtime.block_on(async {
                match version {
                    Version::Wrong => {
                        tokio::join!(increment_holding(&counter), increment_holding(&counter))
                    }
                    Version::Right => tokio::join!(increment(&counter), increment(&counter)),
                };
            });
            let _ = done_tx.send(counter.get());
        })
        .expect("the OS lets the scenario start its thread");
    // Wait for the thread to start first, so that a slow start does not count as a deadlock.
    if started.recv().is_err() {
        return Outcome::Panicked;
    }
    match done.recv_timeout(patience) {
        Ok(count) => Outcome::Finished(count),
        Err(mpsc::RecvTimeoutError::Timeout) => Outcome::Deadlocked,
        Err(mpsc::RecvTimeoutError::Disconnected) => Outcome::Panicked,
    }
}
// ANCHOR_END: scenario
