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
//! - [`chunks_timeout`]: a group is emitted when it holds `size` items or when `period` has
//!   passed since its first item, whichever comes first. Written as a `stream!` loop that wraps
//!   each `next()` in `tokio::time::timeout_at`: the Python loop above, without its flaw.
//!
//! # Differences
//! - The Python version needs `wait_for` around `__anext__`, which cancels the generator's
//!   pending step on every timeout (and can lose an item). In Rust a timeout drops only the
//!   `next()` future, which holds no item: the source is untouched and polled again for the
//!   next chunk.
//! - The period starts at a chunk's first item, not on a fixed tick: an idle source produces no
//!   empty chunks.
//! - The batcher runs on the consumer's task: while the consumer processes a chunk, the next one
//!   is not being gathered (items wait in the source, which is backpressure).
//!
//! # Pitfalls
//! - `chunks(10)` alone can hold items forever on a slow source: 9 items wait for a 10th. Use
//!   [`chunks_timeout`] whenever latency matters.
//! - Both adapters of the ecosystem reserve room for `size` items for every chunk
//!   (`futures`' `chunks` and `tokio-stream`'s `chunks_timeout`), and panic on a size of 0 or one
//!   too large to allocate. These functions refuse a size of 0 or past
//!   [`MAX_CAPACITY`](basics::config::MAX_CAPACITY) with a [`ConfigError`], and
//!   [`chunks_timeout`] grows each chunk with the items that arrive, so a large `size` on a slow
//!   source costs nothing up front.
//!
//! # In production
//! `chunks_timeout` for batching inserts or log shipping; a channel with a size-or-time flush
//! when the callers need replies (see micro-batching in the `concurrency-control` crate).

use std::pin::pin;
use std::time::Duration;

use basics::config::{self, ConfigError};
use futures::stream::Chunks;
use futures::{Stream, StreamExt};
use tokio::time::{Instant, timeout_at};

// ANCHOR: chunks
/// Groups `source` into chunks of `size` items; the last chunk holds what is left (it is never
/// empty). A chunk is emitted only when full or when the source ends.
///
/// Each chunk is allocated with room for `size` items when it starts (it is emitted only when
/// full, except the last): the adapter holds one chunk, `size × size_of::<S::Item>()` bytes.
///
/// # Errors
/// [`ConfigError::Zero`] when `size` is 0, [`ConfigError::TooLarge`] past
/// [`MAX_CAPACITY`](basics::config::MAX_CAPACITY).
///
/// # Examples
/// ```
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let groups: Vec<Vec<u32>> = streams::chunks(futures::stream::iter(1..=5), 2)?.collect().await;
/// assert_eq!(groups, [vec![1, 2], vec![3, 4], vec![5]]);
/// # Ok(())
/// # }
/// ```
pub fn chunks<S: Stream>(source: S, size: usize) -> Result<Chunks<S>, ConfigError> {
    let size = config::count("size", size)?;
    Ok(source.chunks(size))
}
// ANCHOR_END: chunks

// ANCHOR: chunks_timeout
/// Groups `source` into chunks of at most `size` items, emitting a chunk when it is full or
/// `period` after its first item arrived, whichever comes first. Chunks are never empty; the
/// last one is emitted when the source ends.
///
/// A chunk grows as its items arrive (a `Vec` growing by doubling), so its memory follows the
/// items actually gathered, not `size`: a chunk of 3 items cut by the timer does not hold room
/// for a million when `size` is a million. (`tokio-stream`'s `chunks_timeout` reserves `size`
/// slots for every chunk.)
///
/// # Errors
/// [`ConfigError::Zero`] when `size` or `period` is 0, [`ConfigError::TooLarge`] when `size` is
/// past [`MAX_CAPACITY`](basics::config::MAX_CAPACITY), [`ConfigError::TooLong`] when `period`
/// is past [`MAX_DURATION`](basics::config::MAX_DURATION).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let slow = streams::numbers(3, Duration::from_millis(150))?;
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
) -> Result<impl Stream<Item = Vec<S::Item>>, ConfigError> {
    let size = config::count("size", size)?;
    let period = config::duration("period", period)?;
    Ok(async_stream::stream! {
        // Fused: after the source ends, the outer loop asks it once more and gets `None` again.
        let mut source = pin!(source.fuse());
        // The first item of a chunk is awaited without a deadline: an idle source makes no
        // empty chunks.
        while let Some(first) = source.next().await {
            // `period <= MAX_DURATION`, so this addition cannot overflow.
            let deadline = Instant::now() + period;
            let mut chunk = vec![first];
            while chunk.len() < size {
                // On timeout `timeout_at` drops the `next()` future, which holds no item: the
                // source loses nothing and is polled again for the next chunk.
                match timeout_at(deadline, source.next()).await {
                    Ok(Some(item)) => chunk.push(item),
                    Ok(None) | Err(_) => break, // the source ended, or the period is up
                }
            }
            yield chunk;
        }
    })
}
// ANCHOR_END: chunks_timeout
