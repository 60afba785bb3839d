//! Load shedding: when saturated, reject at once instead of queueing.
//!
//! # Python
//! ```python
//! sem = asyncio.Semaphore(3)
//!
//! async def handle(request):
//!     if sem.locked():
//!         raise Overloaded()        # 503 now, not a timeout later
//!     async with sem:
//!         return await process(request)
//! ```
//!
//! # Rust
//! [`LoadShedder`] is a semaphore used only through `try_acquire_owned`: a call either gets a
//! slot now or an [`Overloaded`] error now. Nothing ever waits, so latency under overload stays
//! the latency of one call, and the caller can retry elsewhere.
//!
//! # Differences
//! - asyncio's `sem.locked()` followed by `async with sem` is two steps; between them another
//!   task may take the slot, and the call then queues after all. `try_acquire_owned` checks and
//!   takes in one step.
//!
//! # Pitfalls
//! - Shedding hides overload from the caller unless the rejection is counted and surfaced (a
//!   503, a metric).
//!
//! # In production
//! tower's `LoadShed` over `ConcurrencyLimit`; see also the [bulkhead](crate::bulkhead), which
//! adds a small waiting room.

use std::future::Future;
use std::sync::Arc;

use basics::config::{self, ConfigError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The call was shed: every slot was busy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("overloaded: all {capacity} slots busy")]
pub struct Overloaded {
    /// The shedder's capacity.
    pub capacity: usize,
}

// ANCHOR: load_shedder
/// Runs at most `capacity` calls at once and rejects the rest immediately.
///
/// # Examples
/// ```
/// use concurrency_control::{LoadShedder, Overloaded};
/// let shedder = LoadShedder::new(1)?;
/// let held = shedder.try_acquire()?;
/// assert_eq!(shedder.try_acquire().err(), Some(Overloaded { capacity: 1 }));
/// drop(held);
/// assert!(shedder.try_acquire().is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Clones share the slots: hand a clone to each task.
#[derive(Debug, Clone)]
pub struct LoadShedder {
    slots: Arc<Semaphore>,
    capacity: usize,
}

impl LoadShedder {
    /// A shedder with `capacity` slots.
    ///
    /// # Errors
    /// [`ConfigError`] for 0 or past [`MAX_CAPACITY`](config::MAX_CAPACITY).
    pub fn new(capacity: usize) -> Result<LoadShedder, ConfigError> {
        let capacity = config::count("capacity", capacity)?;
        Ok(LoadShedder {
            slots: Arc::new(Semaphore::new(capacity)),
            capacity,
        })
    }

    /// Calls in progress now.
    pub fn in_flight(&self) -> usize {
        self.capacity - self.slots.available_permits()
    }

    /// Takes a slot now, or fails now.
    ///
    /// # Errors
    /// [`Overloaded`] when every slot is busy.
    pub fn try_acquire(&self) -> Result<OwnedSemaphorePermit, Overloaded> {
        // The semaphore is never closed, so the only failure is "no permits".
        Arc::clone(&self.slots)
            .try_acquire_owned()
            .map_err(|_| Overloaded {
                capacity: self.capacity,
            })
    }

    /// Runs `call` if a slot is free now.
    ///
    /// # Errors
    /// [`Overloaded`] at once, without polling `call`, when every slot is busy.
    ///
    /// # Cancel safety
    /// A drop cancels `call` and frees its slot.
    pub async fn run<F: Future>(&self, call: F) -> Result<F::Output, Overloaded> {
        let _slot = self.try_acquire()?;
        Ok(call.await)
    }
}
// ANCHOR_END: load_shedder
