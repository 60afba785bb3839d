//! Read/write lock: many readers at once, or one writer alone.
//!
//! [`SharedState`] is a cheap `Clone` handle to one [`tokio::sync::RwLock`], whose queue is fair:
//! once a writer waits, readers that arrive after it queue behind it.
//! [`SharedState::with_max_readers`] refuses a limit of 0 with a [`ConfigError`], where tokio's
//! constructor panics.
//!
//! The lesson: `docs/concurrency-control.md`, section *Read/write lock*.

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

    // ANCHOR: read_write_lock_key
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
    // ANCHOR_END: read_write_lock_key

    /// The value, if this is the last clone; `None` while another clone exists.
    pub fn into_inner(self) -> Option<T> {
        Arc::into_inner(self.lock).map(RwLock::into_inner)
    }
}
// ANCHOR_END: shared_state
