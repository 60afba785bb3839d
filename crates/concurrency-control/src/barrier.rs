//! Barrier: N tasks wait for each other before moving on to the next phase.
//!
//! [`Barrier`] is [`tokio::sync::Barrier`] with a checked size ([`Barrier::new`] refuses 0 with a
//! [`ConfigError`]; tokio's treats 0 as 1), shared by cheap clones. Exactly one task of each
//! generation is the leader ([`tokio::sync::BarrierWaitResult::is_leader`]), the place for a
//! once-per-phase step.
//!
//! The lesson: `docs/concurrency-control.md`, section *Barrier*.

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
