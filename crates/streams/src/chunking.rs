//! Chunking: group a stream's items into batches, by size, or by size or time.
//!
//! - [`chunks`]: `futures::StreamExt::chunks`, groups of exactly `size` (the last one may be
//!   shorter), however long they take to fill.
//! - [`chunks_timeout`]: a group is emitted when it holds `size` items or when `period` has
//!   passed since its first item, whichever comes first; a timeout loses no item of the source.
//!
//! Both refuse a size of 0 or past [`MAX_CAPACITY`](basics::config::MAX_CAPACITY) with a
//! [`ConfigError`], where the ecosystem's adapters panic.
//!
//! The lesson: `docs/streams.md`, section *Chunking*.

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
        // ANCHOR: chunking_key
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
        // ANCHOR_END: chunking_key
    })
}
// ANCHOR_END: chunks_timeout
