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
//! others keep it going. The entry is removed when the flight lands, so the next miss fetches
//! again (this is not a cache; put one in front).
//!
//! # Differences
//! - No task is spawned: the fetch runs inside the callers' own futures. If *every* caller is
//!   dropped, the fetch pauses inside the map and the next caller for that key resumes it.
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
    flights: Mutex<HashMap<K, Flight<V, E>>>,
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
    fn flights(&self) -> MutexGuard<'_, HashMap<K, Flight<V, E>>> {
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
    /// A dropped caller leaves the flight to the others; if every caller is dropped, the next
    /// caller for `key` resumes it.
    pub async fn get<F, Fut>(&self, key: K, fetch: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>> + Send + 'static,
    {
        let flight = self
            .flights()
            .entry(key.clone())
            .or_insert_with(|| fetch().boxed().shared())
            .clone();
        let output = flight.clone().await;
        // The first caller to land removes the entry, unless a newer flight already replaced it.
        let mut flights = self.flights();
        if flights
            .get(&key)
            .is_some_and(|current| current.ptr_eq(&flight))
        {
            flights.remove(&key);
        }
        output
    }
    // ANCHOR_END: get

    /// Keys with a flight in the air.
    pub fn in_flight(&self) -> usize {
        self.flights().len()
    }
}
// ANCHOR_END: single_flight

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
