//! Gather: run many futures concurrently and wait for all of them, outputs in input order.
//!
//! Three tools, by what you know about the set of futures:
//! - a fixed, small set of different types: [`tokio::join!`];
//! - any number of the same type, all on the current task: [`gather`] ([`futures::future::join_all`]);
//! - many, each worth its own task (parallel on a multi-thread runtime, isolated panics):
//!   [`spawn_all`], an [`IndexedJoinSet`] (a `JoinSet` that knows each task's input index)
//!   that hands results back in input order.
//!
//! The lesson: `docs/basics.md`, section *Gather*.

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
