//! Bounded concurrency: run an operation over many items with at most `limit` in flight.
//!
//! [`BoundedMap`] holds a checked limit and offers both tokio forms:
//! - on the current task, as a stream: [`BoundedMap::ordered`] (`buffered`, outputs in input
//!   order) and [`BoundedMap::unordered`] (`buffer_unordered`, completion order);
//! - as spawned tasks: [`BoundedMap::spawn`] takes an owned [`Semaphore`] permit *before* each
//!   spawn and moves it into the task, so at most `limit` tasks exist at any time; outputs come
//!   back in input order, and a panicked task is a [`TaskFailed`] naming its item's position.
//!
//! The lesson: `docs/concurrency-control.md`, section *Bounded concurrency*.

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
            // ANCHOR: bounded_concurrency_key
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
            // ANCHOR_END: bounded_concurrency_key
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
