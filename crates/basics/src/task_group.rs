//! Task group: run several tasks as one unit; the first failure cancels the others.
//!
//! [`TaskGroup`] owns its members in an [`IndexedJoinSet`] (a `JoinSet` that knows each
//! member's index). [`TaskGroup::join`] returns every output in spawn order, or the first error:
//! a member's `Err`, a panic or a cancellation. On the first error it aborts the other members
//! **and waits until they have stopped**, so their cleanup (the `Drop` of their locals) has run
//! when `join` returns, as `TaskGroup.__aexit__` waits for its cancelled tasks. Dropping the group
//! aborts every member.
//!
//! The lesson: `docs/basics.md`, section *Task group*.

use std::future::Future;

use crate::task::{IndexedJoinSet, TaskFailed};

/// Why [`TaskGroup::join`] did not return every output.
#[derive(Debug, thiserror::Error)]
pub enum TaskGroupError<E> {
    /// A member returned `Err`; the other members were cancelled.
    #[error("member {index} failed")]
    Failed {
        /// The member's position in spawn order.
        index: usize,
        /// The member's error.
        #[source]
        error: E,
    },
    /// A member panicked, or was cancelled from outside (its runtime shut down); the other
    /// members were cancelled. Its `index` is the member's position in spawn order.
    #[error(transparent)]
    TaskFailed(#[from] TaskFailed),
}

impl<E> TaskGroupError<E> {
    /// The position, in spawn order, of the member that failed.
    pub fn index(&self) -> usize {
        match self {
            TaskGroupError::Failed { index, .. } => *index,
            TaskGroupError::TaskFailed(failed) => failed.index(),
        }
    }
}

// ANCHOR: task_group
/// Tasks that succeed together or fail together: the first failure cancels the rest.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use basics::{TaskGroup, TaskGroupError};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let mut group = TaskGroup::new();
/// group.spawn(async {
///     tokio::time::sleep(Duration::from_secs(10)).await;
///     Ok("profile")
/// });
/// group.spawn(async {
///     tokio::time::sleep(Duration::from_secs(1)).await;
///     Err("payment service down")
/// });
/// let start = tokio::time::Instant::now();
/// let error = group.join().await.unwrap_err();
/// assert!(matches!(error, TaskGroupError::Failed { index: 1, error: "payment service down" }));
/// assert_eq!(start.elapsed(), Duration::from_secs(1)); // the 10 s member was cancelled
/// # }
/// ```
#[derive(Debug)]
#[must_use = "dropping a TaskGroup aborts every member"]
pub struct TaskGroup<T, E> {
    set: IndexedJoinSet<Result<T, E>>,
}

impl<T, E> TaskGroup<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    /// An empty group.
    pub fn new() -> TaskGroup<T, E> {
        TaskGroup {
            set: IndexedJoinSet::new(),
        }
    }

    /// Spawns `member` on the current runtime and returns its position, the index of its output
    /// in [`join`](TaskGroup::join)'s `Vec`. The member starts at once.
    ///
    /// # Panics
    /// When called outside a tokio runtime, as `tokio::spawn` does.
    #[track_caller]
    pub fn spawn<F>(&mut self, member: F) -> usize
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
    {
        self.set.spawn(member)
    }

    /// The number of members spawned.
    pub fn len(&self) -> usize {
        self.set.spawned()
    }

    /// Whether no member was spawned.
    pub fn is_empty(&self) -> bool {
        self.set.spawned() == 0
    }

    /// Waits for every member and returns their outputs in spawn order. An empty group gives
    /// `Ok(vec![])` at once.
    ///
    /// # Errors
    /// The first failure, in completion order: [`TaskGroupError::Failed`] for a member's `Err`,
    /// [`TaskGroupError::TaskFailed`] for a member that panicked or was cancelled. Every other
    /// member has been aborted **and has stopped** (its locals dropped) when the error is
    /// returned.
    ///
    /// # Cancel safety
    /// Dropping the returned future drops the group, which aborts every member still running;
    /// outputs already collected are lost.
    pub async fn join(mut self) -> Result<Vec<T>, TaskGroupError<E>> {
        let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None)
            .take(self.set.spawned())
            .collect();
        while let Some(joined) = self.set.join_next().await {
            let failure = match joined {
                Ok((index, Ok(output))) => {
                    slots[index] = Some(output);
                    continue;
                }
                Ok((index, Err(error))) => TaskGroupError::Failed { index, error },
                Err(failed) => TaskGroupError::TaskFailed(failed),
            };
            self.cancel_all().await;
            return Err(failure);
        }
        // Every member returned `Ok` exactly once, so every slot is filled.
        Ok(slots.into_iter().flatten().collect())
    }

    /// Aborts every member and waits until each has stopped.
    async fn cancel_all(&mut self) {
        // `shutdown` aborts, then drains the set: draining is what makes the siblings' cleanup
        // finish before the caller goes on. Their outcomes (cancelled, or finished just before
        // the abort) no longer matter.
        self.set.shutdown().await;
    }
}
// ANCHOR_END: task_group

impl<T, E> Default for TaskGroup<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    fn default() -> Self {
        TaskGroup::new()
    }
}
