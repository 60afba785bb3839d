//! Async generator: a function that yields values over time, consumed like `async for`.
//!
//! Rust has no stable `yield` in async code; two tools write a [`Stream`] instead:
//! - [`numbers`]: async-stream's `stream!` macro, a loop with `.await` and `yield` (pin the
//!   stream before calling `.next()`);
//! - [`numbers_unfold`]: [`futures::stream::unfold`], a seed and an async step returning
//!   `Some((item, next_state))` or `None`.
//!
//! The lesson: `docs/streams.md`, section *Async generator*.

use std::time::Duration;

use basics::config::{self, ConfigError};
use futures::Stream;

// ANCHOR: numbers
/// Yields `1..=count`, sleeping `gap` before each number: `async def` + `yield` written with
/// async-stream's `stream!`.
///
/// A `count` of 0 gives an empty stream that ends at once; a `gap` of 0 yields without waiting.
///
/// # Errors
/// [`ConfigError::TooLong`] when `gap` is past [`MAX_DURATION`](basics::config::MAX_DURATION).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let start = tokio::time::Instant::now();
/// let all: Vec<u32> = streams::numbers(4, Duration::from_millis(100))?.collect().await;
/// assert_eq!(all, [1, 2, 3, 4]);
/// assert_eq!(start.elapsed(), Duration::from_millis(400));
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the stream while it sleeps loses nothing already yielded; the number it was about to
/// yield is never produced.
pub fn numbers(count: u32, gap: Duration) -> Result<impl Stream<Item = u32>, ConfigError> {
    let gap = config::duration_or_zero("gap", gap)?;
    // ANCHOR: async_generator_key
    Ok(async_stream::stream! {
        for i in 1..=count {
            tokio::time::sleep(gap).await;
            yield i;
        }
    })
    // ANCHOR_END: async_generator_key
}
// ANCHOR_END: numbers

// ANCHOR: numbers_unfold
/// The same numbers as [`numbers`], written with [`futures::stream::unfold`]: the state is the
/// next number, and each step sleeps, then returns the item and the next state.
///
/// A `count` of 0 gives an empty stream that ends at once; a `gap` of 0 yields without waiting.
///
/// # Errors
/// [`ConfigError::TooLong`] when `gap` is past [`MAX_DURATION`](basics::config::MAX_DURATION).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let all: Vec<u32> = streams::numbers_unfold(3, Duration::from_millis(100))?.collect().await;
/// assert_eq!(all, [1, 2, 3]);
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// As for [`numbers`]: a drop mid-sleep loses only the number not yet yielded.
pub fn numbers_unfold(count: u32, gap: Duration) -> Result<impl Stream<Item = u32>, ConfigError> {
    let gap = config::duration_or_zero("gap", gap)?;
    // The state is the range still to yield: `next()` on it never overflows, even at `u32::MAX`
    // (a counter `next + 1` would, after the last number).
    Ok(futures::stream::unfold(
        1..=count,
        move |mut rest| async move {
            let next = rest.next()?;
            tokio::time::sleep(gap).await;
            Some((next, rest))
        },
    ))
}
// ANCHOR_END: numbers_unfold
