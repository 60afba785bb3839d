//! Async generator: a function that yields values over time, consumed with `async for`.
//!
//! # Python
//! ```python
//! async def numbers(n):
//!     for i in range(1, n + 1):
//!         await asyncio.sleep(0.1)
//!         yield i
//!
//! async for i in numbers(4):  # 1, 2, 3, 4 at +0.1 s, +0.2 s, +0.3 s, +0.4 s
//!     print(i)
//! ```
//!
//! # Rust
//! Rust has no stable `yield` in async code; two tools write a [`Stream`] instead:
//! - [`numbers`]: async-stream's `stream!` macro, which reads like the Python generator (a loop
//!   with `.await` and `yield`). Best when the state is a loop and its local variables.
//! - [`numbers_unfold`]: [`futures::stream::unfold`], a seed and an async step function returning
//!   `Some((item, next_state))` or `None`. Best when the state is one small value (a cursor, a
//!   counter) and you want no macro.
//!
//! # Differences
//! - A stream is lazy like a future: nothing runs until the consumer polls it, and it runs only
//!   while polled (a Python async generator is the same; a task is not).
//! - Cancellation is a drop: dropping the stream mid-`sleep` stops it there. There is no
//!   `aclose()` / `GeneratorExit`; cleanup belongs in a `Drop` guard held inside the generator.
//! - `stream!` streams are `!Unpin`: pin them (`std::pin::pin!` or `Box::pin`) before calling
//!   `.next()`.
//!
//! # Pitfalls
//! - Forgetting to pin: `.next()` needs `Unpin`, and the compiler says an `async` block "cannot
//!   be unpinned"; `pin!` the stream first.
//! - Sleeping after the yield instead of before changes the timing of the first item (the
//!   example stamps show the items at +0.1 s .. +0.4 s).
//!
//! # In production
//! `stream!` / `try_stream!` for generators with loops, `unfold` for cursors, and
//! `tokio_stream::wrappers` for tokio's own sources (channels, intervals, listeners).

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
    Ok(async_stream::stream! {
        for i in 1..=count {
            tokio::time::sleep(gap).await;
            yield i;
        }
    })
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
