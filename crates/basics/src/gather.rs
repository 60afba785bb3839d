//! Gather: run many futures concurrently and wait for all of them.
//!
//! # Python
//! ```python
//! async def fetch_user(user_id):
//!     await asyncio.sleep(0.5)
//!     return f"user {user_id}"
//!
//! users = await asyncio.gather(*(fetch_user(i) for i in range(1, 6)))  # 0.5 s, not 2.5 s
//! ```
//!
//! # Rust
//! Three tools, by what you know about the set of futures:
//! - a fixed, small set of different types: [`tokio::join!`];
//! - any number of the same type, all on the current task: [`gather`] ([`futures::future::join_all`]);
//! - many, each worth its own task (parallel on a multi-thread runtime, isolated panics):
//!   [`spawn_all`], an [`IndexedJoinSet`] (a `JoinSet` that knows each task's input index)
//!   that hands results back in input order.
//!
//! # Differences
//! - Futures are lazy: `fetch_user(1)` does nothing until it is polled. `asyncio.gather` wraps
//!   coroutines into tasks that start at once; `join!` and [`gather`] poll their futures on the
//!   calling task, so they run concurrently but never in parallel.
//! - Cancellation is a drop: dropping the future returned by [`gather`] or [`spawn_all`] stops
//!   every unfinished member (a `JoinSet` aborts its tasks on drop). asyncio's `gather` cancels its
//!   children when it is cancelled too, but leaves them running when one of them raises.
//! - Spawned futures must be `Send + 'static`: they may move to another worker thread and outlive
//!   the caller's stack frame.
//!
//! # Pitfalls
//! - A `for` loop of `.await`s is sequential: 5 × 0.5 s takes 2.5 s (the example shows both).
//! - Unbounded gather: 100 000 futures all start at once. Bound it with a semaphore or
//!   `buffer_unordered` (the `concurrency-control` crate).
//!
//! # In production
//! `join!` / `try_join!` for a handful of calls; `JoinSet` when tasks are many or long-lived;
//! `futures::stream::iter(..).buffer_unordered(n)` when they must be bounded.

use std::future::Future;

pub use crate::task::TaskFailed;

use crate::task::IndexedJoinSet;

// ANCHOR: gather
/// Awaits every future concurrently on the current task and returns their outputs in input
/// order. An empty input gives an empty `Vec` at once.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let start = tokio::time::Instant::now();
/// let users = basics::gather((1..=5).map(|id| async move {
///     tokio::time::sleep(Duration::from_millis(500)).await;
///     format!("user {id}")
/// }))
/// .await;
/// assert_eq!(users.len(), 5);
/// assert_eq!(start.elapsed(), Duration::from_millis(500));
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops every member future, cancelling each at its current
/// `.await`; outputs already produced are lost.
pub async fn gather<I>(futures: I) -> Vec<<I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future,
{
    futures::future::join_all(futures).await
}
// ANCHOR_END: gather

// ANCHOR: spawn_all
/// Spawns every future as its own task and returns their outputs in input order.
///
/// Tasks run in parallel on a multi-thread runtime. An empty input gives `Ok(vec![])` at once.
///
/// # Errors
/// [`TaskFailed::Panicked`] or [`TaskFailed::Cancelled`] for the first member that did not
/// return; every other member is aborted before the error is returned.
///
/// # Examples
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), basics::TaskFailed> {
/// let squares = basics::spawn_all((1..=4u64).map(|n| async move { n * n })).await?;
/// assert_eq!(squares, [1, 4, 9, 16]);
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops its [`IndexedJoinSet`], which aborts every task still
/// running: nothing is left detached.
pub async fn spawn_all<I, F>(futures: I) -> Result<Vec<F::Output>, TaskFailed>
where
    I: IntoIterator<Item = F>,
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // Each task's index is its position in the input, so outputs go back in input order.
    let mut set = IndexedJoinSet::new();
    for future in futures {
        set.spawn(future);
    }
    let mut slots: Vec<Option<F::Output>> =
        std::iter::repeat_with(|| None).take(set.len()).collect();
    while let Some(joined) = set.join_next().await {
        // `?` returns the first failure and drops `set`, which aborts every member still running.
        let (index, output) = joined?;
        slots[index] = Some(output);
    }
    // Every task returned exactly once, so every slot is filled.
    Ok(slots.into_iter().flatten().collect())
}
// ANCHOR_END: spawn_all
