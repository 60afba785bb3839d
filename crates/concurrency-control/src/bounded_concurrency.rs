//! Bounded concurrency: run an operation over many items with at most `limit` in flight.
//!
//! # Python
//! ```python
//! sem = asyncio.Semaphore(3)
//!
//! async def fetch(url):
//!     async with sem:
//!         await asyncio.sleep(0.5)
//!         return url
//!
//! pages = await asyncio.gather(*(fetch(u) for u in urls))  # 20 urls: 7 waves, 3.5 s
//! ```
//!
//! # Rust
//! [`BoundedMap`] holds a validated limit and offers both tokio forms:
//! - on the current task, as a stream: [`BoundedMap::ordered`] (`buffered`, input order) and
//!   [`BoundedMap::unordered`] (`buffer_unordered`, completion order);
//! - as spawned tasks: [`BoundedMap::spawn`], a [`Semaphore`] whose permit is taken with
//!   [`Semaphore::acquire_owned`] *before* each spawn and moved into the task, so at most `limit`
//!   tasks exist at any time, and results come back in input order; a panicked task is a
//!   [`TaskFailed`] naming the item's position ([`basics::IndexedJoinSet`] keeps the map).
//!
//! # Differences
//! - `gather` with a semaphore creates every coroutine at once and lets `limit` of them past the
//!   semaphore; the stream forms create the next future only when a slot frees, and
//!   [`BoundedMap::spawn`] spawns a task only once it holds a permit: nothing waits in memory.
//! - Cancellation is a drop: dropping the returned future drops the unfinished futures (stream
//!   forms) or aborts the tasks (the task set of the spawned form).
//! - Spawned tasks must be `Send + 'static`; the stream forms need neither.
//!
//! # Pitfalls
//! - Acquiring the permit *inside* the spawned task bounds the work but not the tasks: 100 000
//!   tasks are created at once, each parked on the semaphore.
//! - `buffered` keeps input order, so one slow item holds back the results behind it (and the
//!   slots they would free): prefer `unordered` when order does not matter.
//!
//! # In production
//! `futures::StreamExt::buffer_unordered` for I/O fan-out on one task; a `Semaphore` +
//! `JoinSet` when each item deserves a task; tower's `ConcurrencyLimit` around a service.

use std::future::Future;
use std::sync::Arc;

use basics::config::{self, ConfigError};
use basics::{IndexedJoinSet, TaskFailed};
use futures::FutureExt;
use futures::stream::{self, StreamExt};
use tokio::sync::Semaphore;

/// A concurrency limit to map items with: at most `limit` operations in flight at once.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use concurrency_control::BoundedMap;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let start = tokio::time::Instant::now();
/// let doubled = BoundedMap::new(3)?
///     .ordered(1..=20, |n| async move {
///         tokio::time::sleep(Duration::from_millis(500)).await;
///         n * 2
///     })
///     .await;
/// assert_eq!(doubled[19], 40);
/// // 20 items, 3 at a time: 7 waves of 0.5 s.
/// assert_eq!(start.elapsed(), Duration::from_millis(3_500));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundedMap {
    limit: usize,
}

impl BoundedMap {
    /// A bound of `limit` operations in flight.
    ///
    /// # Errors
    /// [`ConfigError`] for 0 or past [`MAX_CAPACITY`](config::MAX_CAPACITY).
    pub fn new(limit: usize) -> Result<BoundedMap, ConfigError> {
        let limit = config::count("limit", limit)?;
        Ok(BoundedMap { limit })
    }

    /// The limit.
    pub fn limit(&self) -> usize {
        self.limit
    }

    // ANCHOR: ordered
    /// Maps every item on the current task, at most `limit` at once, and returns the outputs in
    /// input order (`buffered`).
    ///
    /// # Cancel safety
    /// Dropping the future drops the operations in flight; outputs already produced are lost.
    pub async fn ordered<I, F, Fut>(&self, items: I, f: F) -> Vec<Fut::Output>
    where
        I: IntoIterator,
        F: FnMut(I::Item) -> Fut,
        Fut: Future,
    {
        stream::iter(items)
            .map(f)
            .buffered(self.limit)
            .collect()
            .await
    }
    // ANCHOR_END: ordered

    // ANCHOR: unordered
    /// Maps every item on the current task, at most `limit` at once, and returns the outputs in
    /// completion order (`buffer_unordered`).
    ///
    /// # Cancel safety
    /// As [`ordered`](BoundedMap::ordered).
    pub async fn unordered<I, F, Fut>(&self, items: I, f: F) -> Vec<Fut::Output>
    where
        I: IntoIterator,
        F: FnMut(I::Item) -> Fut,
        Fut: Future,
    {
        stream::iter(items)
            .map(f)
            .buffer_unordered(self.limit)
            .collect()
            .await
    }
    // ANCHOR_END: unordered

    // ANCHOR: spawn
    /// Spawns one task per item, at most `limit` alive at once, and returns the outputs in input
    /// order.
    ///
    /// The permit is acquired before the spawn and moved into the task, so waiting items are
    /// still plain values in the iterator, not parked tasks.
    ///
    /// # Errors
    /// The [`TaskFailed`] of the first task found panicked (its `index` is the item's position
    /// in `items`); every other task is aborted.
    ///
    /// # Cancel safety
    /// Dropping the future drops the task set, which aborts every task still running.
    pub async fn spawn<I, F, Fut>(&self, items: I, mut f: F) -> Result<Vec<Fut::Output>, TaskFailed>
    where
        I: IntoIterator,
        F: FnMut(I::Item) -> Fut,
        Fut: Future + Send + 'static,
        Fut::Output: Send + 'static,
    {
        let semaphore = Arc::new(Semaphore::new(self.limit));
        // Tasks are numbered in spawn order, which is input order.
        let mut set = IndexedJoinSet::new();
        let mut slots = Vec::new();
        for item in items {
            // The semaphore is never closed, so acquiring cannot fail.
            let permit = Arc::clone(&semaphore)
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            let future = f(item);
            set.spawn(async move {
                let output = future.await;
                drop(permit); // The slot frees when the work is done, not when it is collected.
                output
            });
            slots.push(None);
            // Collect finished tasks as we go, so a panic surfaces early and memory stays flat.
            // `join_next` is cancel-safe: polling it once and dropping it loses nothing.
            while let Some(Some(joined)) = set.join_next().now_or_never() {
                let (index, output) = joined?;
                slots[index] = Some(output);
            }
        }
        while let Some(joined) = set.join_next().await {
            let (index, output) = joined?;
            slots[index] = Some(output);
        }
        // Every task returned exactly once, so every slot is filled.
        Ok(slots.into_iter().flatten().collect())
    }
    // ANCHOR_END: spawn
}
