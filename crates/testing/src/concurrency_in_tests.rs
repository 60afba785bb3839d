//! Concurrency in tests: assert that work overlapped, not only that it finished.
//!
//! A test that gathers three jobs and checks the three results passes just as well when a bug
//! runs them one after another. Two witnesses catch that: the virtual time the whole gather
//! took (on a paused clock, three 1 s jobs in parallel take exactly 1 s, in series 3 s), and
//! the most jobs that were ever in flight at once, counted by an [`InFlight`] that each job
//! enters for its duration.
//!
//! The lesson: `docs/testing.md`, section *Concurrency in tests*.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

// ANCHOR: in_flight
/// Counts the jobs in flight now and the most ever in flight at once. Clones share the counts.
///
/// # Examples
/// ```
/// use testing::InFlight;
///
/// let in_flight = InFlight::new();
/// let a = in_flight.enter();
/// let b = in_flight.enter();
/// drop((a, b));
/// assert_eq!((in_flight.now(), in_flight.max()), (0, 2));
/// ```
#[derive(Debug, Clone, Default)]
pub struct InFlight {
    counts: Arc<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    now: AtomicUsize,
    max: AtomicUsize,
}

impl InFlight {
    /// Nothing in flight yet.
    pub fn new() -> InFlight {
        InFlight::default()
    }

    /// Counts one job in flight until the returned guard is dropped (also when the job is
    /// cancelled or panics).
    pub fn enter(&self) -> InFlightGuard {
        let now = self.counts.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.counts.max.fetch_max(now, Ordering::SeqCst);
        InFlightGuard {
            counts: Arc::clone(&self.counts),
        }
    }

    /// Jobs in flight now.
    pub fn now(&self) -> usize {
        self.counts.now.load(Ordering::SeqCst)
    }

    /// The most jobs ever in flight at once.
    pub fn max(&self) -> usize {
        self.counts.max.load(Ordering::SeqCst)
    }
}

/// One job in flight; see [`InFlight::enter`].
#[derive(Debug)]
#[must_use = "the job counts as in flight only while the guard lives"]
pub struct InFlightGuard {
    counts: Arc<Counts>,
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.counts.now.fetch_sub(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: in_flight

// ANCHOR: job
/// A stand-in job: counts itself in flight, takes `duration` on tokio's clock, returns `id`.
pub async fn job(in_flight: InFlight, id: u32, duration: std::time::Duration) -> u32 {
    let _guard = in_flight.enter();
    tokio::time::sleep(duration).await;
    id
}
// ANCHOR_END: job
