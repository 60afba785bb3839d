//! Load shedding: when saturated, reject at once instead of queueing.
//!
//! [`LoadShedder`] is a semaphore used only through `try_acquire_owned`: [`LoadShedder::run`]
//! either gets a slot now or returns [`Overloaded`] now, without polling the call. Nothing waits,
//! so latency under overload stays the latency of one call. Clones share the slots.
//!
//! The lesson: `docs/concurrency-control.md`, section *Load shedding*.

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

    // ANCHOR: load_shedding_key
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
    // ANCHOR_END: load_shedding_key
}
// ANCHOR_END: load_shedder
