//! Merge and fan-in: several streams read as one, items in arrival order.
//!
//! # Python
//! ```python
//! queue = asyncio.Queue()
//!
//! async def pump(name, source):
//!     async for item in source:
//!         await queue.put((name, item))
//!
//! tasks = [asyncio.create_task(pump("a", sensor_a())), asyncio.create_task(pump("b", sensor_b()))]
//! # ... read queue.get() until both pumps are done (which needs a sentinel per pump)
//! ```
//!
//! # Rust
//! No tasks and no queue: a merged stream polls its sources itself.
//! - two streams of one item type: `futures::stream::select(a, b)` (round-robin when both are
//!   ready) or `tokio_stream::StreamExt::merge` (the same, as a method);
//! - any number of one type: [`merge_all`] (`futures::stream::select_all`);
//! - any number, keyed so you know where each item came from, and able to add or remove sources
//!   while reading: [`tagged`], a [`tokio_stream::StreamMap`].
//!
//! Every form ends when all its sources have ended.
//!
//! # Differences
//! - The merge runs on the consumer's task: sources progress only while it is polled, and a slow
//!   consumer slows every source (backpressure) instead of filling a queue.
//! - Dropping the merged stream drops every source; there is no pump task to cancel.
//! - `StreamMap` starts each poll at a random source for fairness, so the order of items ready
//!   at the same instant is not deterministic; `select` and `merge` alternate deterministically.
//!
//! # Pitfalls
//! - Sources must be `Unpin` for [`merge_all`] and [`tagged`]: box `stream!` streams with
//!   `Box::pin`.
//! - `select!` in a loop over two `next()` calls is a hand-written merge that must handle one
//!   side ending (`else` branch, or fused streams); the combinators already do.
//!
//! # In production
//! `StreamMap` for dynamic, keyed sources (subscriptions, connections); `select_all` for a fixed
//! set; channels (the `producer-consumer` crate) when the sources must run on their own tasks.

use std::hash::Hash;

use futures::Stream;
use futures::stream::SelectAll;
use tokio_stream::StreamMap;

// ANCHOR: merge_all
/// Merges `sources` into one stream yielding items as they arrive, ending when every source has
/// ended. No sources give a stream that ends at once.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// use streams::Paced;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let a = Box::pin(Paced::new(vec!["a1", "a2"], Duration::from_millis(100))?);
/// let b = Box::pin(Paced::new(vec!["b1"], Duration::from_millis(150))?);
/// let merged: Vec<&str> = streams::merge_all([a, b]).collect().await;
/// assert_eq!(merged, ["a1", "b1", "a2"]);
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the merged stream drops every source.
#[must_use = "streams do nothing unless polled"]
pub fn merge_all<I>(sources: I) -> SelectAll<I::Item>
where
    I: IntoIterator,
    I::Item: Stream + Unpin,
{
    futures::stream::select_all(sources)
}
// ANCHOR_END: merge_all

// ANCHOR: tagged
/// Merges keyed `sources` into a [`StreamMap`] yielding `(key, item)` as items arrive, so the
/// consumer knows each item's source; sources can be inserted or removed while reading. A
/// source that ends is removed; the map ends when it is empty (at once if `sources` is empty).
///
/// Keys should be distinct: inserting a second source under a key replaces the first.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// use streams::Paced;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let sources = [
///     ("a", Box::pin(Paced::new(vec![1, 2], Duration::from_millis(100))?)),
///     ("b", Box::pin(Paced::new(vec![9], Duration::from_millis(150))?)),
/// ];
/// let merged: Vec<(&str, i32)> = streams::tagged(sources).collect().await;
/// assert_eq!(merged, [("a", 1), ("b", 9), ("a", 2)]);
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the map drops every source.
#[must_use = "streams do nothing unless polled"]
pub fn tagged<K, S, I>(sources: I) -> StreamMap<K, S>
where
    I: IntoIterator<Item = (K, S)>,
    K: Hash + Eq + Clone + Unpin,
    S: Stream + Unpin,
{
    sources.into_iter().collect()
}
// ANCHOR_END: tagged
