//! As completed: handle each result as soon as it is ready, in completion order.
//!
//! - [`as_completed`]: a [`Stream`] of `(index, output)` pairs in completion order, polling every
//!   future on the current task ([`futures::stream::FuturesUnordered`]).
//! - [`spawn_as_completed`]: the same with one task per future ([`IndexedJoinSet`] and its
//!   `join_next`), returned as an [`AsCompleted`] stream that aborts what is left when dropped.
//!
//! [`gather`](mod@crate::gather) gives all results in input order; [`race`](mod@crate::race) the
//! first success only.
//!
//! The lesson: `docs/basics.md`, section *As completed*.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::FuturesUnordered;
use futures::{FutureExt, Stream};

use crate::task::{IndexedJoinSet, TaskFailed};

// ANCHOR: as_completed
/// Polls every future concurrently on the current task and yields `(index, output)` in the order
/// they finish. The stream ends after the last one; an empty input ends it at once.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let delays = [300u64, 100, 200];
/// let order: Vec<usize> = basics::as_completed(delays.map(|ms| async move {
///     tokio::time::sleep(Duration::from_millis(ms)).await;
/// }))
/// .map(|(index, ())| index)
/// .collect()
/// .await;
/// assert_eq!(order, [1, 2, 0]);
/// # }
/// ```
///
/// # Cancel safety
/// `next()` on the stream is cancel safe: an output is only taken from the set when it is
/// returned. Dropping the stream drops every future still running.
#[must_use = "streams do nothing unless polled"]
pub fn as_completed<I, F>(futures: I) -> impl Stream<Item = (usize, F::Output)> + Unpin
where
    I: IntoIterator<Item = F>,
    F: Future,
{
    futures
        .into_iter()
        .enumerate()
        .map(|(index, future)| future.map(move |output| (index, output)))
        .collect::<FuturesUnordered<_>>()
}
// ANCHOR_END: as_completed

/// The stream returned by [`spawn_as_completed`]: spawned tasks' outputs in completion order.
///
/// Dropping it aborts every task still running (it owns their [`IndexedJoinSet`]).
#[derive(Debug)]
#[must_use = "dropping an AsCompleted aborts every task still running"]
pub struct AsCompleted<T> {
    set: IndexedJoinSet<T>,
}

impl<T> AsCompleted<T> {
    /// How many tasks have not been yielded yet.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// Whether every task has been yielded.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

impl<T: Send + 'static> Stream for AsCompleted<T> {
    type Item = Result<(usize, T), TaskFailed>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.set.poll_join_next(cx)
    }
}

// ANCHOR: spawn_as_completed
/// Spawns every future as its own task and yields `Ok((index, output))` in completion order,
/// through an [`IndexedJoinSet`]'s `join_next`.
///
/// # Panics
/// When called outside a tokio runtime, as [`tokio::spawn`] does.
///
/// # Errors
/// Each item is `Err(`[`TaskFailed`]`)` when its task panicked or was cancelled; the other tasks go
/// on.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::TaskFailed> {
/// let mut done = basics::spawn_as_completed([200u64, 100].map(|ms| async move {
///     tokio::time::sleep(Duration::from_millis(ms)).await;
///     ms
/// }));
/// assert_eq!(done.next().await.transpose()?, Some((1, 100)));
/// assert_eq!(done.next().await.transpose()?, Some((0, 200)));
/// assert!(done.next().await.is_none());
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// `next()` is cancel safe (`IndexedJoinSet::join_next` is). Dropping the stream aborts every
/// task still running.
#[track_caller]
pub fn spawn_as_completed<I, F>(futures: I) -> AsCompleted<F::Output>
where
    I: IntoIterator<Item = F>,
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut set = IndexedJoinSet::new();
    for future in futures {
        set.spawn(future);
    }
    AsCompleted { set }
}
// ANCHOR_END: spawn_as_completed
