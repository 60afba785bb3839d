//! Forgotten `.await`: a future that is never awaited never runs, and a dropped `JoinHandle`
//! detaches its task.
//!
//! An `async fn` call only builds a future; nothing happens until it is polled. rustc's
//! `unused_must_use` warns about a future used as a statement (`store.save(x);`), clippy's
//! `let_underscore_future` about `let _ = store.save(x);`, and clippy's `unused_async` about an
//! `async fn` left with no `.await` at all; a future bound to a named variable
//! (`let _pending = store.save(x);`) is caught by none of them.
//!
//! The compiler catches the statement form when warnings are denied:
//! ```compile_fail
//! #![deny(unused_must_use)]
//! # async fn demo(store: pitfalls::forgotten_await::Store) {
//! store.save("order 1"); // error: unused implementer of `Future` that must be used
//! # }
//! ```
//!
//! The lesson: `docs/pitfalls.md`, section *Forgotten .await*.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::task::JoinHandle;

/// How long [`Store::save`] takes on tokio's clock.
pub const SAVE_TIME: Duration = Duration::from_millis(10);

/// A store that records what was saved: a stand-in for a database. Clones share the records.
#[derive(Debug, Clone, Default)]
pub struct Store {
    saved: Arc<Mutex<Vec<String>>>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Store {
        Store::default()
    }

    /// Saves `item`, which takes [`SAVE_TIME`].
    ///
    /// # Cancel safety
    /// Dropped before its [`SAVE_TIME`] is up, nothing is saved.
    pub async fn save(&self, item: &str) {
        tokio::time::sleep(SAVE_TIME).await;
        self.records().push(item.to_owned());
    }

    /// What was saved so far, in order.
    pub fn saved(&self) -> Vec<String> {
        self.records().clone()
    }

    // The lock is held for a push or a copy, never across an `.await`, and a panic cannot leave
    // the list half-written, so poison is ignored.
    fn records(&self) -> MutexGuard<'_, Vec<String>> {
        self.saved.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

// ANCHOR: wrong
/// WRONG: the future is bound to a name and dropped when the function returns, never polled:
/// nothing is saved, and no lint says so (only `unused_async` notices here, because this was
/// the function's only `.await`).
#[expect(
    clippy::unused_async,
    reason = "the pitfall: the body lost its only .await; clippy notices that much"
)]
pub async fn save_forgotten(store: &Store, item: &str) {
    let _pending = store.save(item);
}

/// WRONG: the task is spawned and its handle dropped: the task is detached. It still runs,
/// but the caller returns before it ends and can never learn whether it finished or panicked.
pub fn save_detached(store: &Store, item: &str) {
    let (store, item) = (store.clone(), item.to_owned());
    drop(tokio::spawn(async move { store.save(&item).await }));
}
// ANCHOR_END: wrong

// ANCHOR: right
/// RIGHT: awaited, so the save has happened when this returns.
///
/// # Cancel safety
/// As [`Store::save`].
pub async fn save(store: &Store, item: &str) {
    store.save(item).await;
}

/// RIGHT: spawned, and the handle returned: the caller awaits it to learn when the save ended
/// and whether it panicked (or aborts it).
///
/// # Panics
/// Outside a tokio runtime, as `tokio::spawn` does.
#[must_use = "dropping the handle detaches the task: await it"]
#[track_caller]
pub fn spawn_save(store: &Store, item: &str) -> JoinHandle<()> {
    let (store, item) = (store.clone(), item.to_owned());
    tokio::spawn(async move { store.save(&item).await })
}
// ANCHOR_END: right
