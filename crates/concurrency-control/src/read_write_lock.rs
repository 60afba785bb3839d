//! Read/write lock: many readers at once, or one writer alone.
//!
//! # Python
//! asyncio has no read/write lock; the usual stand-in is one `asyncio.Lock` for everyone, which
//! serialises readers too:
//! ```python
//! lock = asyncio.Lock()
//! async def read():
//!     async with lock:               # readers wait for each other
//!         await asyncio.sleep(0.1)
//!         return config["version"]
//! ```
//!
//! # Rust
//! [`SharedState`] wraps [`tokio::sync::RwLock`]: readers share the lock, a writer has it alone.
//! tokio's RwLock is fair (first in, first out): once a writer waits, readers that arrive after
//! it queue behind it, so a stream of readers cannot starve the writer.
//!
//! # Differences
//! - The guards may be held across an `.await` (that is the reason for the tokio lock; with no
//!   `.await` inside, `std::sync::RwLock` is faster).
//! - `RwLock::with_max_readers(0)` panics; [`SharedState::with_max_readers`] returns a
//!   [`ConfigError`] instead.
//! - A [`SharedState`] is a cheap handle: clones share the one lock and value, so each task
//!   holds a clone rather than an `Arc<RwLock<T>>`.
//!
//! # Pitfalls
//! - Taking a read guard and then asking for a write guard on the same task deadlocks: the
//!   writer waits for the reader, which is the task itself.
//! - A long read section delays every writer, and, through fairness, every later reader.
//!
//! # In production
//! For read-mostly data read without `.await`, publish immutable snapshots (`Arc<T>` swapped in a
//! `std::sync::RwLock` or `arc-swap`, or a `watch` channel) so readers never wait.

use std::sync::Arc;

use basics::config::{self, ConfigError};
use tokio::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

// ANCHOR: shared_state
/// A value read by many tasks at once and written by one at a time.
///
/// Clones share the value: hand a clone to each task.
///
/// # Examples
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let state = concurrency_control::SharedState::new(1u32);
/// {
///     let (a, b) = (state.read().await, state.read().await); // two readers at once
///     assert_eq!(*a + *b, 2);
/// }
/// *state.write().await += 1;
/// assert_eq!(*state.read().await, 2);
/// # }
/// ```
#[derive(Debug, Default)]
pub struct SharedState<T> {
    lock: Arc<RwLock<T>>,
}

impl<T> Clone for SharedState<T> {
    fn clone(&self) -> SharedState<T> {
        SharedState {
            lock: Arc::clone(&self.lock),
        }
    }
}

impl<T> SharedState<T> {
    /// A shared value with tokio's default reader limit.
    pub fn new(value: T) -> SharedState<T> {
        SharedState {
            lock: Arc::new(RwLock::new(value)),
        }
    }

    /// A shared value that admits at most `max_readers` readers at once.
    ///
    /// # Errors
    /// [`ConfigError`] for 0 or past [`MAX_CAPACITY`](config::MAX_CAPACITY) (far below
    /// tokio's own limit of `u32::MAX >> 3`).
    pub fn with_max_readers(value: T, max_readers: usize) -> Result<SharedState<T>, ConfigError> {
        let max_readers = config::count("max_readers", max_readers)?;
        let max_readers = u32::try_from(max_readers).expect("MAX_CAPACITY fits in u32");
        Ok(SharedState {
            lock: Arc::new(RwLock::with_max_readers(value, max_readers)),
        })
    }

    /// Waits for shared read access.
    ///
    /// # Cancel safety
    /// Cancel-safe: a drop while waiting leaves the queue with nothing taken.
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        self.lock.read().await
    }

    /// Waits for exclusive write access: every current reader must leave first.
    ///
    /// # Cancel safety
    /// Cancel-safe, as [`read`](SharedState::read).
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.lock.write().await
    }

    /// The value, if this is the last clone; `None` while another clone exists.
    pub fn into_inner(self) -> Option<T> {
        Arc::into_inner(self.lock).map(RwLock::into_inner)
    }
}
// ANCHOR_END: shared_state
