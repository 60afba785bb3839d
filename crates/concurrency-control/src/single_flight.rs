//! Single flight: concurrent requests for the same key share one fetch.
//!
//! [`SingleFlight::get`] starts the fetch as a task when no flight for the key is in the air, and
//! every concurrent caller for that key gets the same outcome: the value, the fetch's error
//! ([`FlightError::Fetch`]), or the report that the task panicked ([`FlightError::Failed`]). The
//! entry goes when the flight lands (this is not a cache), and the fetch task is aborted when every
//! caller is dropped. Clones share the flights.
//!
//! The lesson: `docs/concurrency-control.md`, section *Single flight*.

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
        // ANCHOR: single_flight_key
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
        // ANCHOR_END: single_flight_key
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
