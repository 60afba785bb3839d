//! Throttle and per-item timeout: cap a stream's rate, and give up on a source that stalls.
//!
//! - [`throttle`]: tokio-stream's `throttle`, at least `1 / per_second` between items; the
//!   first item passes at once. It polls the source only after the period, so a lazy source's
//!   own delay is added to the period.
//! - [`until_stalled`]: tokio-stream's `timeout` (a timer per item, restarted after each one),
//!   cut at the first timeout: the items, then one `Err(`[`Stalled`]`)`, then the end.
//!
//! The lesson: `docs/streams.md`, section *Throttle and per-item timeout*.

use std::time::Duration;

use basics::config::{self, ConfigError};
use futures::Stream;

/// The highest rate [`throttle`] accepts, in items a second: one a millisecond, the finest step
/// of tokio's timer.
pub const MAX_RATE: usize = 1_000;

/// The error item of [`until_stalled`]: no item arrived within the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no item within {limit:?}: the source stalled")]
pub struct Stalled {
    /// The per-item limit that passed.
    pub limit: Duration,
}

// ANCHOR: throttle
/// Lets at most `per_second` items a second through: at least `1 s / per_second` between two
/// items, the first one at once.
///
/// The source is polled again only once the period has passed: a lazy source (a generator that
/// starts its own wait when polled) adds its delay to the period; a source that runs on its own
/// (a channel fed by another task) is not slowed further when it is already slower than the rate.
///
/// # Errors
/// [`ConfigError::Zero`] when `per_second` is 0, [`ConfigError::TooLarge`] above [`MAX_RATE`].
///
/// # Panics
/// When called outside a tokio runtime with a timer (the throttle makes its `Sleep` at once).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let start = tokio::time::Instant::now();
/// let all: Vec<u32> = streams::throttle(futures::stream::iter(1..=6), 5)?.collect().await;
/// assert_eq!(all.len(), 6);
/// // 5 gaps of 0.2 s, and one more before the source is polled again and found ended.
/// assert_eq!(start.elapsed(), Duration::from_millis(1_200));
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the stream loses nothing: items not yet yielded stay in the source, dropped with it.
pub fn throttle<S: Stream>(
    source: S,
    per_second: usize,
) -> Result<impl Stream<Item = S::Item>, ConfigError> {
    let per_second = config::count_at_most("per_second", per_second, MAX_RATE)?;
    let per_second = u32::try_from(per_second).expect("at most MAX_RATE, which fits in a u32");
    // ANCHOR: throttle_key
    let period = Duration::from_secs(1) / per_second;
    Ok(tokio_stream::StreamExt::throttle(source, period))
    // ANCHOR_END: throttle_key
}
// ANCHOR_END: throttle

// ANCHOR: until_stalled
/// Yields the items of `source` as `Ok` until no item arrives within `limit` of the previous one
/// (or of the first poll); then yields one `Err(Stalled)` and ends, dropping the source. A source
/// that ends in time ends the stream normally.
///
/// # Errors
/// [`ConfigError::Zero`] when `limit` is 0, [`ConfigError::TooLong`] past
/// [`MAX_DURATION`](basics::config::MAX_DURATION). The stall itself is the last item,
/// `Err(`[`Stalled`]`)`.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let stalls = futures::stream::iter([1, 2]).chain(futures::stream::pending());
/// let items: Vec<_> = streams::until_stalled(stalls, Duration::from_millis(500))?.collect().await;
/// assert_eq!(items.len(), 3);
/// assert!(items[2].is_err());
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the stream drops the source and whatever it had in progress.
pub fn until_stalled<S: Stream>(
    source: S,
    limit: Duration,
) -> Result<impl Stream<Item = Result<S::Item, Stalled>>, ConfigError> {
    // At most `MAX_DURATION`: tokio-stream's `timeout` adds the limit to the current instant,
    // which panics for `Duration::MAX`.
    let limit = config::duration("limit", limit)?;
    Ok(async_stream::stream! {
        // Made inside the generator, so the first timer starts at the first poll.
        // ANCHOR: until_stalled_key
        let mut timed = std::pin::pin!(tokio_stream::StreamExt::timeout(source, limit));
        while let Some(item) = futures::StreamExt::next(&mut timed).await {
            match item {
                Ok(item) => yield Ok(item),
                Err(_elapsed) => {
                    yield Err(Stalled { limit });
                    // Returning drops the source: a stalled upstream is not polled again.
                    return;
                }
            }
        }
        // ANCHOR_END: until_stalled_key
    })
}
// ANCHOR_END: until_stalled
