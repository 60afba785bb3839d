//! Single flight: concurrent requests for the same key share one fetch.
//!
//! # Python
//! ```python
//! inflight: dict[str, asyncio.Future] = {}
//!
//! async def get(key):
//!     if key in inflight:
//!         return await asyncio.shield(inflight[key])
//!     inflight[key] = fut = asyncio.ensure_future(fetch(key))
//!     try:
//!         return await asyncio.shield(fut)
//!     finally:
//!         inflight.pop(key, None)
//! ```
//!
//! # Rust
//! [`SingleFlight`] runs each fetch as its own task and maps the key to a [`Shared`] future of
//! that task's outcome: the first caller (the leader) spawns it, every caller awaits a clone,
//! and all get a clone of the outcome: a value, the fetch's error, or the report that the fetch
//! task panicked ([`FlightError::Failed`], a [`TaskFailed`] shared by every caller). The entry is
//! removed when the flight lands, so the next miss fetches again (this is not a cache; put one
//! in front).
//!
//! # Differences
//! - The fetch runs in a task, so a panic in it is a value (`JoinError`) that reaches every
//!   waiter. Sharing the fetch future itself (a `Shared` of the fetch) lets a panic poison the
//!   flight without waking the callers parked on it, which then wait forever (issue 10).
//! - If *every* caller is dropped, the fetch task is aborted and its entry removed; the next
//!   caller for that key starts a new fetch. A fetch that must finish regardless belongs in a
//!   task of its own, outside the single flight.
//! - The output must be `Clone` (wrap it in an `Arc` if it is big).
//! - The `fetch` closure is called with no lock held, so it may use the same `SingleFlight`.
//!
//! # Pitfalls
//! - A per-key lock held while fetching serialises callers instead of sharing the answer, and
//!   a cancelled leader that held it leaves the others to start again.
//!
//! # In production
//! The same shape (a `Shared` of a spawned fetch in a map), or a cache crate with request
//! coalescing such as moka's `get_with`.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use basics::TaskFailed;
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use tokio_util::task::AbortOnDropHandle;

/// Why a caller of [`SingleFlight::get`] got no value.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FlightError<E> {
    /// The fetch returned this error; every caller of the flight gets a clone.
    #[error("the fetch failed")]
    Fetch(#[source] E),
    /// The fetch task panicked (or its runtime shut down) before giving an outcome. Every caller
    /// of the flight shares the one report, whose `index` is 0 (a flight is one task).
    #[error("the fetch gave no outcome")]
    Failed(#[source] Arc<TaskFailed>),
}

/// One fetch in the air, shared by every caller of its key. Dropping the last clone aborts the
/// fetch task.
type Flight<V, E> = Shared<BoxFuture<'static, Result<V, FlightError<E>>>>;

/// A flight and the number of callers waiting on it.
struct Entry<V, E> {
    flight: Flight<V, E>,
    callers: usize,
}

type Flights<K, V, E> = Arc<Mutex<HashMap<K, Entry<V, E>>>>;

// ANCHOR: single_flight
/// Deduplicates concurrent fetches per key.
///
/// Clones share the flights: hand a clone to each task.
///
/// # Examples
/// ```
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let flights = concurrency_control::SingleFlight::<&str, u32, String>::new();
/// let fetches = AtomicU32::new(0);
/// let get = || flights.get("user:1", || {
///     fetches.fetch_add(1, Ordering::SeqCst);
///     async {
///         tokio::time::sleep(Duration::from_millis(100)).await;
///         Ok(42)
///     }
/// });
/// let (a, b) = tokio::join!(get(), get());
/// assert_eq!((a.ok(), b.ok()), (Some(42), Some(42)));
/// assert_eq!(fetches.load(Ordering::SeqCst), 1);
/// # }
/// ```
pub struct SingleFlight<K, V, E> {
    // A std mutex: it is locked for a lookup, an insert or a removal, never across an `.await`,
    // and never while user code (the `fetch` closure) runs.
    flights: Flights<K, V, E>,
}

impl<K, V, E> SingleFlight<K, V, E>
where
    K: Eq + Hash + Clone,
    V: Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
{
    /// No flights yet.
    pub fn new() -> SingleFlight<K, V, E> {
        SingleFlight {
            flights: Arc::default(),
        }
    }

    // ANCHOR: get
    /// Returns the outcome of the flight for `key`, starting one with `fetch` if none is in the
    /// air.
    ///
    /// `fetch` is called with no lock held; its future runs as a task on the current runtime.
    /// A caller that joins a flight does not call `fetch`, except in a race: two callers that
    /// both find no flight both call it, and the second one's future is dropped unpolled when
    /// it sees the first one's flight.
    ///
    /// # Errors
    /// [`FlightError::Fetch`] with the fetch's error, [`FlightError::Failed`] when the fetch
    /// task panicked; every caller of the flight gets a clone.
    ///
    /// # Panics
    /// Outside a tokio runtime, as [`tokio::spawn`] does.
    ///
    /// # Cancel safety
    /// A dropped caller leaves the flight to the others; if every caller is dropped, the fetch
    /// task is aborted and the entry removed, so the next caller for `key` starts afresh.
    pub async fn get<F, Fut>(&self, key: K, fetch: F) -> Result<V, FlightError<E>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>> + Send + 'static,
    {
        let flight = match self.join(&key) {
            Some(flight) => flight,
            None => {
                // Built with no lock held, so the closure may use this `SingleFlight`.
                let fetch = fetch();
                let mut flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
                let entry = flights.entry(key.clone()).or_insert_with(|| Entry {
                    flight: spawn_flight(fetch),
                    callers: 0,
                });
                entry.callers += 1;
                entry.flight.clone()
            }
        };
        // Whatever ends this call (an answer or a drop), the seat's drop settles the map entry,
        // so no entry outlives its callers.
        let mut seat = Seat {
            flights: &self.flights,
            key,
            flight: flight.clone(),
            landed: false,
        };
        let output = flight.await;
        seat.landed = true;
        output
    }
    // ANCHOR_END: get

    /// Joins the flight for `key`, if one is in the air.
    fn join(&self, key: &K) -> Option<Flight<V, E>> {
        let mut flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = flights.get_mut(key)?;
        entry.callers += 1;
        Some(entry.flight.clone())
    }

    /// Keys with a flight in the air.
    pub fn in_flight(&self) -> usize {
        self.flights
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}
// ANCHOR_END: single_flight

// ANCHOR: spawn_flight
/// Spawns `fetch` as a task and shares its outcome. A panic in the task is a `JoinError`, a
/// value every waiter receives; dropping the last clone of the flight aborts the task.
fn spawn_flight<V, E, Fut>(fetch: Fut) -> Flight<V, E>
where
    V: Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<V, E>> + Send + 'static,
{
    let task = AbortOnDropHandle::new(tokio::spawn(fetch));
    async move {
        match task.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(FlightError::Fetch(error)),
            Err(failed) => Err(FlightError::Failed(Arc::new(TaskFailed::from_join_error(
                0, failed,
            )))),
        }
    }
    .boxed()
    .shared()
}
// ANCHOR_END: spawn_flight

// ANCHOR: seat
/// One caller's place in a flight; its drop removes the map entry when the flight has landed
/// (the next miss must fetch again) or when its last caller leaves without an answer.
struct Seat<'a, K: Eq + Hash, V, E> {
    flights: &'a Flights<K, V, E>,
    key: K,
    /// Never polled, so `ptr_eq` can still tell this flight from a newer one for the same key.
    flight: Flight<V, E>,
    landed: bool,
}

impl<K: Eq + Hash, V, E> Drop for Seat<'_, K, V, E> {
    fn drop(&mut self) {
        let mut flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = flights.get_mut(&self.key) else {
            return; // Another caller of this flight already removed it.
        };
        if !entry.flight.ptr_eq(&self.flight) {
            return; // A newer flight for the same key: not ours to touch.
        }
        entry.callers -= 1;
        // Landed, or every caller was dropped: the entry goes. In the second case the entry's
        // clone was the last one besides the callers', so the fetch task is aborted too.
        if self.landed || entry.callers == 0 {
            flights.remove(&self.key);
        }
    }
}
// ANCHOR_END: seat

impl<K, V, E> Clone for SingleFlight<K, V, E> {
    fn clone(&self) -> Self {
        SingleFlight {
            flights: Arc::clone(&self.flights),
        }
    }
}

impl<K, V, E> Default for SingleFlight<K, V, E>
where
    K: Eq + Hash + Clone,
    V: Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        SingleFlight::new()
    }
}

impl<K, V, E> std::fmt::Debug for SingleFlight<K, V, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SingleFlight").finish_non_exhaustive()
    }
}
