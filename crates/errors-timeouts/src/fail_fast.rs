//! Fail fast vs settle all: stop everything at the first error, or let every item finish.
//!
//! [`fail_fast`] is [`futures::future::try_join_all`]: it returns the first error as soon as it
//! happens and drops every other future, which cancels it at its `.await`. Settling all is
//! [`crate::settle_all`]. For spawned tasks the same choice is a `JoinSet` loop that calls
//! `abort_all` on the first `Err` (see `basics::task_group`).
//!
//! The lesson: `docs/errors-timeouts.md`, section *Fail fast vs settle all*.
//!
//! # See also
//! [`crate::partial_failure`], [`crate::abort_after_failures`] (a tolerance between the two).

use std::future::Future;

// ANCHOR: fail_fast
/// Runs every future concurrently on the current task and returns all outputs in input order,
/// or the first error, as soon as it happens. An empty input gives `Ok(vec![])` at once.
///
/// # Errors
/// The first error any future returns; every future still running is dropped (cancelled).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let start = tokio::time::Instant::now();
/// let outcome = errors_timeouts::fail_fast((1..=3u64).map(|item| async move {
///     tokio::time::sleep(Duration::from_secs(item)).await;
///     if item == 1 { Err("item 1 failed") } else { Ok(item) }
/// }))
/// .await;
/// assert_eq!(outcome, Err("item 1 failed"));
/// assert_eq!(start.elapsed(), Duration::from_secs(1)); // not 3 s: the rest were dropped
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops every item at its current `.await`.
pub async fn fail_fast<I, F, T, E>(futures: I) -> Result<Vec<T>, E>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>>,
{
    futures::future::try_join_all(futures).await
}
// ANCHOR_END: fail_fast
