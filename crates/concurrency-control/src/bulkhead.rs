//! Bulkhead: a running limit, a bounded waiting room with a wait timeout, and a typed rejection
//! for everything beyond.
//!
//! [`Bulkhead::run`] (or [`Bulkhead::acquire`]) takes a free running slot at once; with none free,
//! it takes a seat in the waiting room and waits up to `max_wait` for a slot. A full waiting room
//! is an immediate [`Rejected::Full`]; a wait that runs out is [`Rejected::TimedOut`]. Running and
//! waiting are counted apart, so `max_waiting: 0` still runs `max_running` calls. The limits come
//! in a [`BulkheadConfig`]; clones share them.
//!
//! The lesson: `docs/concurrency-control.md`, section *Bulkhead*.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use basics::config::{self, ConfigError, MAX_CAPACITY};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The bulkhead's three limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkheadConfig {
    /// How many calls run at once: `1..=MAX_CAPACITY`.
    pub max_running: usize,
    /// How many calls may wait for a running slot: `0..=MAX_CAPACITY`; 0 means none wait.
    pub max_waiting: usize,
    /// How long a call may wait for a running slot before it is rejected: more than zero (for
    /// "no waiting" set `max_waiting` to 0) and at most
    /// [`MAX_DURATION`](config::MAX_DURATION).
    pub max_wait: Duration,
}

impl Default for BulkheadConfig {
    /// 10 running, 10 waiting, for at most 1 s.
    fn default() -> BulkheadConfig {
        BulkheadConfig {
            max_running: 10,
            max_waiting: 10,
            max_wait: Duration::from_secs(1),
        }
    }
}

/// Why a call was not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    /// Every running slot and every waiting seat was taken.
    #[error("bulkhead full: {running} running, {waiting} waiting")]
    Full {
        /// Calls running when this one was rejected.
        running: usize,
        /// Calls waiting when this one was rejected.
        waiting: usize,
    },
    /// The call waited `max_wait` without getting a running slot.
    #[error("no running slot within {0:?}")]
    TimedOut(Duration),
}

// ANCHOR: bulkhead
/// A running limit with a bounded, timed waiting room.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use concurrency_control::{Bulkhead, BulkheadConfig, Rejected};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let bulkhead = Bulkhead::new(BulkheadConfig {
///     max_running: 1,
///     max_waiting: 0,
///     ..BulkheadConfig::default()
/// })?;
/// let slow = bulkhead.run(tokio::time::sleep(Duration::from_secs(1)));
/// let rejected = bulkhead.run(async { 2 });
/// let (slow, rejected) = tokio::join!(slow, rejected);
/// assert!(slow.is_ok());
/// assert_eq!(rejected, Err(Rejected::Full { running: 1, waiting: 0 }));
/// # Ok(())
/// # }
/// ```
///
/// Clones share the limits: hand a clone to each task.
#[derive(Debug, Clone)]
pub struct Bulkhead {
    running: Arc<Semaphore>,
    waiting: Arc<Semaphore>,
    config: BulkheadConfig,
}

impl Bulkhead {
    /// A bulkhead with `config`'s limits.
    ///
    /// # Errors
    /// [`ConfigError`] for a `max_running` of 0, a `max_running` or `max_waiting` past
    /// [`MAX_CAPACITY`], or a `max_wait` of zero or past
    /// [`MAX_DURATION`](config::MAX_DURATION).
    pub fn new(config: BulkheadConfig) -> Result<Bulkhead, ConfigError> {
        config::count("max_running", config.max_running)?;
        if config.max_waiting > MAX_CAPACITY {
            return Err(ConfigError::TooLarge {
                name: "max_waiting",
                value: config.max_waiting,
                max: MAX_CAPACITY,
            });
        }
        config::duration("max_wait", config.max_wait)?;
        Ok(Bulkhead {
            running: Arc::new(Semaphore::new(config.max_running)),
            waiting: Arc::new(Semaphore::new(config.max_waiting)),
            config,
        })
    }

    /// Calls running now.
    pub fn running(&self) -> usize {
        self.config.max_running - self.running.available_permits()
    }

    /// Calls waiting for a running slot now.
    pub fn waiting(&self) -> usize {
        self.config.max_waiting - self.waiting.available_permits()
    }

    // ANCHOR: acquire
    /// Takes a running slot: at once if one is free, else after waiting in the waiting room.
    ///
    /// # Errors
    /// [`Rejected::Full`] at once when no slot and no seat is free; [`Rejected::TimedOut`] after
    /// `max_wait` without a slot.
    ///
    /// # Cancel safety
    /// Cancel-safe: a drop while waiting gives the seat back and takes no slot.
    pub async fn acquire(&self) -> Result<OwnedSemaphorePermit, Rejected> {
        // ANCHOR: bulkhead_key
        // A free running slot never involves the waiting room: that is defect 5's fix. The
        // semaphore is never closed, so a failure here always means "no free slot".
        if let Ok(permit) = Arc::clone(&self.running).try_acquire_owned() {
            return Ok(permit);
        }
        let full = Rejected::Full {
            running: self.running(),
            waiting: self.waiting(),
        };
        // The seat is held while waiting and given back as soon as this function returns.
        let Ok(_seat) = self.waiting.try_acquire() else {
            return Err(full);
        };
        // ANCHOR_END: bulkhead_key
        match tokio::time::timeout(
            self.config.max_wait,
            Arc::clone(&self.running).acquire_owned(),
        )
        .await
        {
            // The bulkhead never closes its semaphore, so `acquire_owned` cannot fail.
            Ok(permit) => Ok(permit.expect("the running semaphore is never closed")),
            Err(_elapsed) => Err(Rejected::TimedOut(self.config.max_wait)),
        }
    }
    // ANCHOR_END: acquire

    /// Runs `call` inside the bulkhead.
    ///
    /// # Errors
    /// As [`acquire`](Bulkhead::acquire); `call` is not polled when rejected.
    ///
    /// # Cancel safety
    /// A drop while waiting is as [`acquire`](Bulkhead::acquire); a drop while `call` runs
    /// cancels it and frees its slot.
    pub async fn run<F: Future>(&self, call: F) -> Result<F::Output, Rejected> {
        let _slot = self.acquire().await?;
        Ok(call.await)
    }
}
// ANCHOR_END: bulkhead
