//! Concurrent map: run an async step over a stream's items with at most `limit` in flight,
//! keeping input order or yielding results as they complete.
//!
//! - [`map_ordered`]: `source.map(step).buffered(limit)`; results in input order.
//! - [`map_unordered`]: `source.map(step).buffer_unordered(limit)`; results as they complete.
//! - [`map_spawned`]: each step spawned as its own task (aborted if the stream is dropped), in
//!   input order. `buffered` runs its futures only while the consumer polls the stream; spawned
//!   steps keep going while the consumer is busy, and run in parallel on a multi-thread runtime.
//!
//! The source is pulled lazily: only `limit` steps exist at once.
//!
//! The lesson: `docs/streams.md`, section *Concurrent map*.

use std::future::Future;

use basics::TaskFailed;
use basics::config::{self, ConfigError};
use futures::stream::{BufferUnordered, Buffered, Map};
use futures::{Stream, StreamExt};
use tokio_util::task::AbortOnDropHandle;

// ANCHOR: map_ordered
/// Runs `step` on each item of `source`, at most `limit` at once, yielding results in input
/// order.
///
/// # Errors
/// [`ConfigError::Zero`] when `limit` is 0, [`ConfigError::TooLarge`] past
/// [`MAX_CAPACITY`](basics::config::MAX_CAPACITY).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let start = tokio::time::Instant::now();
/// let delays = futures::stream::iter([300u64, 100, 200, 100]);
/// let out: Vec<u64> = streams::map_ordered(delays, 2, |ms| async move {
///     tokio::time::sleep(Duration::from_millis(ms)).await;
///     ms
/// })?
/// .collect()
/// .await;
/// assert_eq!(out, [300, 100, 200, 100]); // input order
/// // The finished 100 ms result keeps its slot until the 300 ms head is taken: 300 + 200.
/// assert_eq!(start.elapsed(), Duration::from_millis(500));
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the stream drops the futures in flight; finished results not yet yielded are lost.
pub fn map_ordered<S, F, Fut>(
    source: S,
    limit: usize,
    step: F,
) -> Result<Buffered<Map<S, F>>, ConfigError>
where
    S: Stream,
    F: FnMut(S::Item) -> Fut,
    Fut: Future,
{
    let limit = config::count("limit", limit)?;
    // ANCHOR: concurrent_map_key
    Ok(source.map(step).buffered(limit))
    // ANCHOR_END: concurrent_map_key
}
// ANCHOR_END: map_ordered

// ANCHOR: map_unordered
/// Runs `step` on each item of `source`, at most `limit` at once, yielding results as they
/// complete.
///
/// # Errors
/// [`ConfigError::Zero`] when `limit` is 0, [`ConfigError::TooLarge`] past
/// [`MAX_CAPACITY`](basics::config::MAX_CAPACITY).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let delays = futures::stream::iter([300u64, 100, 200]);
/// let out: Vec<u64> = streams::map_unordered(delays, 3, |ms| async move {
///     tokio::time::sleep(Duration::from_millis(ms)).await;
///     ms
/// })?
/// .collect()
/// .await;
/// assert_eq!(out, [100, 200, 300]); // completion order
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the stream drops the futures in flight; finished results not yet yielded are lost.
pub fn map_unordered<S, F, Fut>(
    source: S,
    limit: usize,
    step: F,
) -> Result<BufferUnordered<Map<S, F>>, ConfigError>
where
    S: Stream,
    F: FnMut(S::Item) -> Fut,
    Fut: Future,
{
    let limit = config::count("limit", limit)?;
    Ok(source.map(step).buffer_unordered(limit))
}
// ANCHOR_END: map_unordered

// ANCHOR: map_spawned
/// Like [`map_ordered`], but each step runs as its own tokio task, so it keeps making progress
/// while the consumer is busy between two `next()` calls (and runs in parallel on a multi-thread
/// runtime). At most `limit` tasks exist at once.
///
/// Each item is `Ok(output)`, or `Err(`[`TaskFailed`]`)` when its task panicked (with the
/// payload) or was cancelled; `index` is the item's position in `source`, counting from 0. The
/// stream goes on after a failed item.
///
/// # Errors
/// [`ConfigError::Zero`] when `limit` is 0, [`ConfigError::TooLarge`] past
/// [`MAX_CAPACITY`](basics::config::MAX_CAPACITY).
///
/// # Panics
/// When the stream is polled outside a tokio runtime (steps are spawned as they are pulled, not
/// when the stream is built). The `step` closure is called on the consumer's task, to make the
/// future that is spawned: a panic in the closure itself (not in its future) reaches the
/// consumer as it is.
///
/// # Examples
/// ```
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let squares = streams::map_spawned(futures::stream::iter(1..=4u64), 2, |n| async move { n * n })?;
/// let squares: Vec<u64> = squares.map(|joined| joined.expect("no step panics")).collect().await;
/// assert_eq!(squares, [1, 4, 9, 16]);
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the stream aborts every task in flight: nothing is left running detached.
pub fn map_spawned<S, F, Fut>(
    source: S,
    limit: usize,
    mut step: F,
) -> Result<impl Stream<Item = Result<Fut::Output, TaskFailed>>, ConfigError>
where
    S: Stream,
    F: FnMut(S::Item) -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    let limit = config::count("limit", limit)?;
    // `buffered` pulls an item (and so spawns its task) only when a slot is free, which bounds
    // the number of live tasks; the handle aborts its task when dropped with the stream.
    // ANCHOR: map_spawned_key
    Ok(source
        .enumerate()
        .map(move |(index, item)| {
            let task = AbortOnDropHandle::new(tokio::spawn(step(item)));
            async move {
                task.await
                    .map_err(|error| TaskFailed::from_join_error(index, error))
            }
        })
        .buffered(limit))
    // ANCHOR_END: map_spawned_key
}
// ANCHOR_END: map_spawned
