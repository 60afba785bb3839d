//! Barrier: N tasks wait for each other before moving on to the next phase.
//!
//! # Python
//! ```python
//! barrier = asyncio.Barrier(3)
//!
//! async def worker(n):
//!     await load(n)             # phase 1, different lengths
//!     await barrier.wait()      # everyone meets here
//!     await process(n)          # phase 2 starts together
//! ```
//!
//! # Rust
//! [`Barrier`] is [`tokio::sync::Barrier`] with a checked size (`tokio::sync::Barrier::new(0)`
//! silently behaves as a barrier of 1, a mistake this wrapper turns into a [`ConfigError`]),
//! behind an `Arc` so that each task holds a clone. Exactly one
//! task of each generation is told it is the leader ([`tokio::sync::BarrierWaitResult::is_leader`]),
//! the place for a once-per-phase step.
//!
//! # Differences
//! - tokio's barrier is reusable (cyclic), like asyncio's, but has no `abort` or `reset`: a task
//!   that never arrives leaves the others waiting forever. Put a timeout around the wait.
//! - A task cancelled after arriving still counts as arrived.
//!
//! # Pitfalls
//! - More tasks than the barrier's size: the extra ones form the next generation and wait for
//!   partners that never come.
//!
//! # In production
//! `tokio::sync::Barrier` directly, with a timeout around `wait`; for "wait until every task is
//! done" use a `JoinSet` or `TaskTracker` instead.

use std::sync::Arc;

use basics::config::{self, ConfigError};
use tokio::sync::BarrierWaitResult;

// ANCHOR: barrier
/// A reusable meeting point for a fixed number of tasks.
///
/// # Examples
/// Clones share the barrier: hand a clone to each task.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let barrier = concurrency_control::Barrier::new(2)?;
/// let other = tokio::spawn({
///     let barrier = barrier.clone();
///     async move { barrier.wait().await.is_leader() }
/// });
/// let me = barrier.wait().await.is_leader();
/// assert!(me ^ other.await.unwrap(), "exactly one leader");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Barrier {
    inner: Arc<tokio::sync::Barrier>,
    parties: usize,
}

impl Barrier {
    /// A barrier that opens when `parties` tasks wait on it.
    ///
    /// # Errors
    /// [`ConfigError`] for 0 or past [`MAX_CAPACITY`](config::MAX_CAPACITY).
    pub fn new(parties: usize) -> Result<Barrier, ConfigError> {
        let parties = config::count("parties", parties)?;
        Ok(Barrier {
            inner: Arc::new(tokio::sync::Barrier::new(parties)),
            parties,
        })
    }

    /// How many tasks open the barrier.
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// Waits until `parties` tasks are waiting, then releases them all together.
    ///
    /// # Cancel safety
    /// Not cancel-safe: a task dropped after arriving is still counted, so the barrier may open
    /// with one task fewer actually waiting.
    pub async fn wait(&self) -> BarrierWaitResult {
        self.inner.wait().await
    }
}
// ANCHOR_END: barrier
