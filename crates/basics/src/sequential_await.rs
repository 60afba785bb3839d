//! Sequential await: `.await` runs one operation to completion before the next line starts, and
//! a future does nothing at all until something awaits it.
//!
//! [`sequential`] awaits a list of futures in order, so their times add up; [`timed`] measures
//! one future on tokio's clock. For independent calls, [`gather`](crate::gather()) runs them
//! concurrently instead.
//!
//! The lesson: `docs/basics.md`, section *Sequential await*.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

// ANCHOR: sequential
/// Awaits each future in turn, starting the next only when the previous one is done, and
/// returns their outputs in order. An empty input gives an empty `Vec` at once.
///
/// Because the futures are lazy, none of them starts before its turn: the total time is the sum
/// of their times.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let start = tokio::time::Instant::now();
/// let pages = basics::sequential((1..=3).map(|page| async move {
///     tokio::time::sleep(Duration::from_secs(1)).await;
///     page
/// }))
/// .await;
/// assert_eq!(pages, [1, 2, 3]);
/// assert_eq!(start.elapsed(), Duration::from_secs(3)); // 1 s + 1 s + 1 s
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops the member being awaited at its current `.await`, along
/// with the outputs gathered so far; the members after it never start.
pub async fn sequential<I>(futures: I) -> Vec<<I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future,
{
    let mut outputs = Vec::new();
    for future in futures {
        // Nothing in `future` has run yet: this `.await` starts it and waits for its end.
        outputs.push(future.await);
    }
    outputs
}
// ANCHOR_END: sequential

/// Awaits `future` and returns its output with the time it took on tokio's clock (virtual time
/// when the clock is paused).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let (data, took) = basics::timed(async {
///     tokio::time::sleep(Duration::from_secs(1)).await;
///     "data"
/// })
/// .await;
/// assert_eq!((data, took), ("data", Duration::from_secs(1)));
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops `future` at its current `.await`; nothing is measured.
pub async fn timed<F: Future>(future: F) -> (F::Output, Duration) {
    // The clock starts at the first poll, not when `timed` is called: that is when `future`
    // starts too.
    let start = Instant::now();
    let output = future.await;
    (output, start.elapsed())
}
