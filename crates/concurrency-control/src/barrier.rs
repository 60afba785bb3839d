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
//! [`Barrier`] is [`tokio::sync::Barrier`] with a checked size: `tokio::sync::Barrier::new(0)`
//! silently behaves as a barrier of 1, a mistake this wrapper turns into an error. Exactly one
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

use tokio::sync::BarrierWaitResult;

/// A barrier for 0 tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a barrier needs at least 1 task")]
pub struct BarrierError;

// ANCHOR: barrier
/// A reusable meeting point for a fixed number of tasks.
///
/// # Examples
/// ```
/// use std::sync::Arc;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), concurrency_control::BarrierError> {
/// let barrier = Arc::new(concurrency_control::Barrier::new(2)?);
/// let other = tokio::spawn({
///     let barrier = Arc::clone(&barrier);
///     async move { barrier.wait().await.is_leader() }
/// });
/// let me = barrier.wait().await.is_leader();
/// assert!(me ^ other.await.unwrap(), "exactly one leader");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Barrier {
    inner: tokio::sync::Barrier,
    parties: usize,
}

impl Barrier {
    /// A barrier that opens when `parties` tasks wait on it.
    ///
    /// # Errors
    /// [`BarrierError`] for 0.
    pub fn new(parties: usize) -> Result<Barrier, BarrierError> {
        if parties == 0 {
            return Err(BarrierError);
        }
        Ok(Barrier {
            inner: tokio::sync::Barrier::new(parties),
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
