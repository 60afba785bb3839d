//! Chunking: group a stream's items into batches, by size, or by size or time.
//!
//! # Python
//! ```python
//! async def chunks(source, size, period):
//!     batch, deadline = [], None
//!     it = source.__aiter__()
//!     while True:
//!         timeout = None if deadline is None else max(0, deadline - loop.time())
//!         try:
//!             item = await asyncio.wait_for(it.__anext__(), timeout)  # cancels __anext__!
//!         except asyncio.TimeoutError:
//!             yield batch; batch, deadline = [], None; continue
//!         except StopAsyncIteration:
//!             break
//!         ...
//! ```
//!
//! # Rust
//! - [`chunks`]: `futures::StreamExt::chunks`, groups of exactly `size` (the last one may be
//!   shorter), however long they take to fill.
//! - [`chunks_timeout`]: `tokio_stream::StreamExt::chunks_timeout`, a group is emitted when it
//!   holds `size` items or when `period` has passed since its first item, whichever comes first.
//!
//! # Differences
//! - The Python version needs `wait_for` around `__anext__`, which cancels the generator's
//!   pending step on every timeout (and can lose an item). `chunks_timeout` races a timer against
//!   the source without cancelling anything.
//! - The period starts at a chunk's first item, not on a fixed tick: an idle source produces no
//!   empty chunks.
//! - The batcher runs on the consumer's task: while the consumer processes a chunk, the next one
//!   is not being gathered (items wait in the source, which is backpressure).
//!
//! # Pitfalls
//! - `chunks(10)` alone can hold items forever on a slow source: 9 items wait for a 10th. Use
//!   [`chunks_timeout`] whenever latency matters.
//! - A size of 0 panics inside both adapters: these functions return [`ChunkError::ZeroSize`].
//!
//! # In production
//! `chunks_timeout` for batching inserts or log shipping; a channel with a size-or-time flush
//! when the callers need replies (see micro-batching in the `concurrency-control` crate).

use std::time::Duration;

use futures::stream::Chunks;
use futures::{Stream, StreamExt};
use tokio_stream::adapters::ChunksTimeout;

/// Why a chunked stream could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    /// A chunk size of 0 was asked for; both adapters would panic.
    #[error("chunk size must be at least 1")]
    ZeroSize,
    /// A period of 0 was asked for: every chunk would be cut as soon as the source paused.
    #[error("chunk period must be longer than zero")]
    ZeroPeriod,
}

// ANCHOR: chunks
/// Groups `source` into chunks of `size` items; the last chunk holds what is left (it is never
/// empty). A chunk is emitted only when full or when the source ends.
///
/// # Errors
/// [`ChunkError::ZeroSize`] when `size` is 0.
///
/// # Examples
/// ```
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), streams::ChunkError> {
/// let groups: Vec<Vec<u32>> = streams::chunks(futures::stream::iter(1..=5), 2)?.collect().await;
/// assert_eq!(groups, [vec![1, 2], vec![3, 4], vec![5]]);
/// # Ok(())
/// # }
/// ```
pub fn chunks<S: Stream>(source: S, size: usize) -> Result<Chunks<S>, ChunkError> {
    if size == 0 {
        return Err(ChunkError::ZeroSize);
    }
    Ok(source.chunks(size))
}
// ANCHOR_END: chunks

// ANCHOR: chunks_timeout
/// Groups `source` into chunks of at most `size` items, emitting a chunk when it is full or
/// `period` after its first item arrived, whichever comes first. Chunks are never empty; the
/// last one is emitted when the source ends.
///
/// # Errors
/// [`ChunkError::ZeroSize`] when `size` is 0, [`ChunkError::ZeroPeriod`] when `period` is 0.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), streams::ChunkError> {
/// let slow = streams::numbers(3, Duration::from_millis(150));
/// let groups: Vec<Vec<u32>> =
///     streams::chunks_timeout(slow, 10, Duration::from_millis(100))?.collect().await;
/// assert_eq!(groups, [vec![1], vec![2], vec![3]]); // the timer, not the size, cut them
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the stream loses the items of the chunk being gathered.
pub fn chunks_timeout<S: Stream>(
    source: S,
    size: usize,
    period: Duration,
) -> Result<ChunksTimeout<S>, ChunkError> {
    if size == 0 {
        return Err(ChunkError::ZeroSize);
    }
    if period.is_zero() {
        return Err(ChunkError::ZeroPeriod);
    }
    Ok(tokio_stream::StreamExt::chunks_timeout(
        source, size, period,
    ))
}
// ANCHOR_END: chunks_timeout
