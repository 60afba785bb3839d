//! Cancellation ignored: a future dropped at an `.await` (by a timeout, a `select!`, an abort)
//! never runs the lines after it, so cleanup written there is skipped.
//!
//! The fix is a guard whose `Drop` does the cleanup: a drop runs whether the future finished,
//! returned early with `?`, or was cancelled. No lint sees this; a test that cancels the future
//! (here with a timeout) and then checks the state does.
//!
//! The lesson: `docs/pitfalls.md`, section *Cancellation ignored*.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use basics::config::{self, ConfigError};

/// Every connection of the pool is checked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the pool is exhausted: all {size} connections are checked out")]
pub struct Exhausted {
    /// The pool's size.
    pub size: usize,
}

/// A pool of connections, counted: a stand-in for a database pool. Clones share the count.
#[derive(Debug, Clone)]
pub struct Pool {
    size: usize,
    available: Arc<Mutex<usize>>,
}

impl Pool {
    /// A pool of `size` connections, all available.
    ///
    /// # Errors
    /// [`ConfigError`] when `size` is 0 or more than [`config::MAX_CAPACITY`].
    pub fn new(size: usize) -> Result<Pool, ConfigError> {
        let size = config::count("size", size)?;
        Ok(Pool {
            size,
            available: Arc::new(Mutex::new(size)),
        })
    }

    /// Connections not checked out.
    pub fn available(&self) -> usize {
        *self.lock()
    }

    /// Takes a connection; the caller must [`give_back`](Pool::give_back) it.
    fn take(&self) -> Result<(), Exhausted> {
        let mut available = self.lock();
        if *available == 0 {
            return Err(Exhausted { size: self.size });
        }
        *available -= 1;
        Ok(())
    }

    fn give_back(&self) {
        let mut available = self.lock();
        *available = (*available + 1).min(self.size);
    }

    /// Takes a connection that is given back when the returned guard is dropped.
    ///
    /// # Errors
    /// [`Exhausted`] when every connection is checked out.
    pub fn checkout(&self) -> Result<Checkout<'_>, Exhausted> {
        self.take()?;
        Ok(Checkout { pool: self })
    }

    // Each critical section is one read or one step of the count, never across an `.await`,
    // so poison is ignored.
    fn lock(&self) -> MutexGuard<'_, usize> {
        self.available
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// A checked-out connection; dropping it gives it back to its pool.
#[derive(Debug)]
#[must_use = "the connection goes back to the pool when the guard is dropped"]
pub struct Checkout<'p> {
    pool: &'p Pool,
}

impl Drop for Checkout<'_> {
    fn drop(&mut self) {
        self.pool.give_back();
    }
}

// ANCHOR: wrong
/// WRONG: the connection is given back on the last line. Dropped at the `.await` (a timeout),
/// the function never gets there: the connection is lost to the pool for good.
///
/// # Errors
/// [`Exhausted`] when every connection is checked out.
pub async fn query_cleanup_at_end(pool: &Pool, work: Duration) -> Result<(), Exhausted> {
    pool.take()?;
    tokio::time::sleep(work).await; // the query; a cancellation stops the function here
    pool.give_back();
    Ok(())
}
// ANCHOR_END: wrong

// ANCHOR: right
/// RIGHT: the connection is a guard; its `Drop` gives it back however the function ends.
///
/// # Errors
/// [`Exhausted`] when every connection is checked out.
///
/// # Cancel safety
/// Dropping the future gives the connection back; the query's work is lost.
pub async fn query(pool: &Pool, work: Duration) -> Result<(), Exhausted> {
    let _connection = pool.checkout()?;
    tokio::time::sleep(work).await; // the query
    Ok(())
}
// ANCHOR_END: right
