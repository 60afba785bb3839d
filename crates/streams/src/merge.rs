//! Merge and fan-in: several streams read as one, items in arrival order.
//!
//! A merged stream polls its sources itself, on the consumer's task: no tasks, no queue.
//! - two streams of one item type: `futures::stream::select(a, b)` (round-robin when both are
//!   ready) or `tokio_stream::StreamExt::merge` (the same, as a method);
//! - any number of one type: [`merge_all`] (`futures::stream::select_all`);
//! - any number, keyed so you know where each item came from, and able to add or remove sources
//!   while reading: [`tagged`], a [`tokio_stream::StreamMap`].
//!
//! Every form ends when all its sources have ended. [`merge_all`] and [`tagged`] need `Unpin`
//! sources (`Box::pin` a `stream!` stream).
//!
//! The lesson: `docs/streams.md`, section *Merge and fan-in*.

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
