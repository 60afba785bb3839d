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
//! [`SingleFlight`] maps each key to a [`Shared`] future: the first caller (the leader) creates
//! it, every caller awaits a clone, and all get a clone of its output, a value or an error. A
//! `Shared` future is driven by whichever clone is polled, so if the leader is cancelled the
//! others keep it going. The entry is removed when the flight lands (with a value, an error or
//! a panic), so the next miss fetches again (this is not a cache; put one in front).
//!
//! # Differences
//! - No task is spawned: the fetch runs inside the callers' own futures. If *every* caller is
//!   dropped, the fetch is dropped with them and its entry removed; the next caller for that
//!   key starts a new fetch. A fetch that must finish regardless belongs in a spawned task.
//! - The output must be `Clone` (wrap it in an `Arc` if it is big).
//!
//! # Pitfalls
//! - A per-key lock held while fetching serialises callers instead of sharing the answer, and
//!   a cancelled leader that held it leaves the others to start again.
//!
//! # In production
//! The same shape (`Shared` futures in a map), or a cache crate with request coalescing such as
//! moka's `get_with`.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

/// One fetch in the air, shared by every caller of its key.
type Flight<V, E> = Shared<BoxFuture<'static, Result<V, E>>>;

/// A flight and the number of callers waiting on it.
struct Entry<V, E> {
    flight: Flight<V, E>,
    callers: usize,
}

// ANCHOR: single_flight
/// Deduplicates concurrent fetches per key.
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
/// assert_eq!((a, b), (Ok(42), Ok(42)));
/// assert_eq!(fetches.load(Ordering::SeqCst), 1);
/// # }
/// ```
pub struct SingleFlight<K, V, E> {
    flights: Mutex<HashMap<K, Entry<V, E>>>,
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
            flights: Mutex::new(HashMap::new()),
        }
    }

    // Locked for a map lookup or insert only, never across an `.await`.
    fn flights(&self) -> MutexGuard<'_, HashMap<K, Entry<V, E>>> {
        self.flights.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // ANCHOR: get
    /// Returns the output of the flight for `key`, starting one with `fetch` if none is in the
    /// air; `fetch` is not called when a flight is joined.
    ///
    /// # Errors
    /// The fetch's error, cloned to every caller of that flight.
    ///
    /// # Cancel safety
    /// A dropped caller leaves the flight to the others; if every caller is dropped, the fetch
    /// is dropped too and the entry removed, so the next caller for `key` starts afresh.
    pub async fn get<F, Fut>(&self, key: K, fetch: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>> + Send + 'static,
    {
        let flight = {
            let mut flights = self.flights();
            let entry = flights.entry(key.clone()).or_insert_with(|| Entry {
                flight: fetch().boxed().shared(),
                callers: 0,
            });
            entry.callers += 1;
            entry.flight.clone()
        };
        // Whatever ends this call (an answer, a drop, a panic in the fetch), the seat's drop
        // settles the map entry, so no entry outlives its callers.
        let mut seat = Seat {
            flights: self,
            key,
            flight: flight.clone(),
            landed: false,
        };
        let output = flight.await;
        seat.landed = true;
        output
    }
    // ANCHOR_END: get

    /// Keys with a flight in the air.
    pub fn in_flight(&self) -> usize {
        self.flights().len()
    }
}
// ANCHOR_END: single_flight

// ANCHOR: seat
/// One caller's place in a flight; its drop removes the map entry when the flight has landed
/// (the next miss must fetch again) or when its last caller leaves without an answer.
struct Seat<'a, K: Eq + Hash, V, E> {
    flights: &'a SingleFlight<K, V, E>,
    key: K,
    /// Never polled, so `ptr_eq` can still tell this flight from a newer one for the same key.
    flight: Flight<V, E>,
    landed: bool,
}

impl<K: Eq + Hash, V, E> Drop for Seat<'_, K, V, E> {
    fn drop(&mut self) {
        let mut flights = self
            .flights
            .flights
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = flights.get_mut(&self.key) else {
            return; // Another caller of this flight already removed it.
        };
        if !entry.flight.ptr_eq(&self.flight) {
            return; // A newer flight for the same key: not ours to touch.
        }
        entry.callers -= 1;
        // Landed, or the fetch panicked (a poisoned `Shared` would panic every later caller),
        // or every caller was dropped (nobody is left to drive the fetch): the entry goes.
        if self.landed || std::thread::panicking() || entry.callers == 0 {
            flights.remove(&self.key);
        }
    }
}
// ANCHOR_END: seat

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
