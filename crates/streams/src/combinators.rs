//! Combinators: the async comprehensions of Python, written with `StreamExt`.
//!
//! [`futures::StreamExt`] adapts a stream without running it: [`even_squares`] is `filter` +
//! `map`, [`sum_of_first`] is `take` + `fold`, [`then_each`] runs an async step per item, one at a
//! time, with `then`. Nothing happens until a consumer (`fold`, `collect`, `next`, a `while let`)
//! polls.
//!
//! The lesson: `docs/streams.md`, section *Combinators*.

use std::future::{Future, ready};

use futures::{Stream, StreamExt};

// ANCHOR: even_squares
/// The squares of the even numbers of `source`: `[x * x async for x in source if x % 2 == 0]`.
///
/// Items are `u32` and squares `u64`, the type every square of a `u32` fits in, so no item
/// overflows. (Python's integers never overflow; Rust's `x * x` on `u64` items would, from 2^32
/// on, and panics in a debug build.)
///
/// # Examples
/// ```
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let squares: Vec<u64> = streams::even_squares(futures::stream::iter(1..=6)).collect().await;
/// assert_eq!(squares, [4, 16, 36]);
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub fn even_squares<S>(source: S) -> impl Stream<Item = u64>
where
    S: Stream<Item = u32>,
{
    // ANCHOR: combinators_key
    source
        .filter(|x| ready(x % 2 == 0))
        .map(|x| u64::from(x) * u64::from(x))
    // ANCHOR_END: combinators_key
}
// ANCHOR_END: even_squares

// ANCHOR: sum_of_first
/// The sum of the first `count` items of `source`: `sum(x async for x in islice(source, count))`.
///
/// The source is polled for at most `count` items and then dropped. A `count` of 0 returns 0
/// without polling the source.
///
/// The sum is a `u128`: at most `usize::MAX` items below 2^64 each add up to less than 2^128, so
/// it never overflows (a `u64` total would, and panics in a debug build).
///
/// # Examples
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let endless = futures::stream::iter(1u64..);
/// assert_eq!(streams::sum_of_first(endless, 3).await, 6);
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the future drops the source and the partial sum.
pub async fn sum_of_first<S>(source: S, count: usize) -> u128
where
    S: Stream<Item = u64>,
{
    source
        .take(count)
        .fold(0, |total, x| ready(total + u128::from(x)))
        .await
}
// ANCHOR_END: sum_of_first

// ANCHOR: then_each
/// Runs `step` on every item of `source`, one item at a time, yielding each result:
/// `[await step(x) async for x in source]` as a stream.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let start = tokio::time::Instant::now();
/// let names: Vec<String> = streams::then_each(futures::stream::iter(1..=3), |id| async move {
///     tokio::time::sleep(Duration::from_millis(100)).await;
///     format!("user-{id}")
/// })
/// .collect()
/// .await;
/// assert_eq!(names, ["user-1", "user-2", "user-3"]);
/// assert_eq!(start.elapsed(), Duration::from_millis(300)); // sequential
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the stream drops the step in flight; its item is lost.
#[must_use = "streams do nothing unless polled"]
pub fn then_each<S, F, Fut>(source: S, step: F) -> impl Stream<Item = Fut::Output>
where
    S: Stream,
    F: FnMut(S::Item) -> Fut,
    Fut: Future,
{
    source.then(step)
}
// ANCHOR_END: then_each
