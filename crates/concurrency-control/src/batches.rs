//! Batches: process items in fixed groups, each group concurrently, one group after another.
//!
//! [`in_batches`] runs `size` items with `join_all`, then the next `size`: a batch ends with its
//! slowest item. [`sliding_window`] keeps up to `size` items in flight (`buffer_unordered`, then
//! sorted back): the same bound without idle slots, outputs in input order.
//!
//! The lesson: `docs/concurrency-control.md`, section *Batches*.

use std::future::Future;

use basics::config::{self, ConfigError};
use futures::stream::{self, StreamExt};

// ANCHOR: in_batches
/// Processes `items` in batches of `size`: each batch concurrently, batches in sequence. Outputs
/// keep input order.
///
/// # Errors
/// [`ConfigError`] for a `size` of 0 or past [`MAX_CAPACITY`](config::MAX_CAPACITY), before
/// any item is taken.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let start = tokio::time::Instant::now();
/// let out = concurrency_control::in_batches(1..=25, 10, |n| async move {
///     tokio::time::sleep(Duration::from_millis(100)).await;
///     n
/// })
/// .await?;
/// assert_eq!(out.len(), 25);
/// assert_eq!(start.elapsed(), Duration::from_millis(300)); // 3 batches
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// A drop loses the running batch's work and every output so far.
pub async fn in_batches<I, F, Fut>(
    items: I,
    size: usize,
    mut f: F,
) -> Result<Vec<Fut::Output>, ConfigError>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    let size = config::count("size", size)?;
    let mut outputs = Vec::new();
    let mut items = items.into_iter().peekable();
    // ANCHOR: batches_key
    while items.peek().is_some() {
        let batch: Vec<_> = items.by_ref().take(size).map(&mut f).collect();
        outputs.extend(futures::future::join_all(batch).await);
    }
    // ANCHOR_END: batches_key
    Ok(outputs)
}
// ANCHOR_END: in_batches

/// The scenario of this module's example and tests: item 1 of every ten (1, 11, 21, ...) takes
/// 0.5 s, the others 0.1 s; returns the item doubled.
///
/// In fixed batches of 10, each batch waits 0.5 s for its slow item; a sliding window of 10
/// keeps the other slots busy meanwhile.
pub async fn one_slow_in_ten(item: u32) -> u32 {
    let ms = if item % 10 == 1 { 500 } else { 100 };
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    item * 2
}

// ANCHOR: sliding_window
/// Processes `items` with `size` in flight at all times; outputs keep input order.
///
/// Items finish in any order (`buffer_unordered`) and are put back in input order at the end:
/// `buffered` would keep a finished item's slot busy until every item before it is done.
///
/// # Errors
/// As [`in_batches`].
///
/// # Cancel safety
/// As [`in_batches`].
pub async fn sliding_window<I, F, Fut>(
    items: I,
    size: usize,
    mut f: F,
) -> Result<Vec<Fut::Output>, ConfigError>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    let size = config::count("size", size)?;
    let mut outputs: Vec<_> = stream::iter(items.into_iter().enumerate())
        .map(|(index, item)| {
            let future = f(item);
            async move { (index, future.await) }
        })
        .buffer_unordered(size)
        .collect()
        .await;
    outputs.sort_unstable_by_key(|(index, _)| *index);
    Ok(outputs.into_iter().map(|(_, output)| output).collect())
}
// ANCHOR_END: sliding_window
