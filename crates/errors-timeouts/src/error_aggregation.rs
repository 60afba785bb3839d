//! Error aggregation: gather every failure of a group and tell a panic, a cancellation and an
//! application error apart.
//!
//! A spawned task ends in one of three ways, and the types keep them apart: its own `Err(E)`
//! (an application error), a panic, or a cancellation (aborted, or its runtime shut down). The
//! tasks go into a [`basics::IndexedJoinSet`], which numbers them in spawn order and reports a
//! panic or a cancellation as a [`basics::TaskFailed`] with that number. [`join_classified`]
//! waits for all of them and sorts each failure into a [`Failure`]; [`ErrorGroup`] is the
//! `ExceptionGroup`: every failure in input order, and a `Display` that lists them.
//!
//! The lesson: `docs/errors-timeouts.md`, section *Error aggregation*.
//!
//! # See also
//! [`crate::partial_failure`], [`crate::abort_after_failures`].

use std::fmt;

use basics::{IndexedJoinSet, TaskFailed};

// ANCHOR: task_failure
/// Why one task of a group produced no value.
#[derive(Debug, thiserror::Error)]
pub enum Failure<E> {
    /// The task returned its own error: an application error, often recoverable.
    #[error("task {index} failed: {error}")]
    Error {
        /// The task's position in spawn order.
        index: usize,
        /// Its error.
        error: E,
    },
    /// The task panicked (a bug; the payload can be re-raised) or was cancelled.
    #[error(transparent)]
    Task(#[from] TaskFailed),
}

impl<E> Failure<E> {
    /// The failed task's position in spawn order.
    pub fn index(&self) -> usize {
        match self {
            Failure::Error { index, .. } => *index,
            Failure::Task(failed) => failed.index(),
        }
    }
}
// ANCHOR_END: task_failure

/// Every failure of a group, in input order: Rust's `ExceptionGroup`.
#[derive(Debug)]
pub struct ErrorGroup<E> {
    /// The failures, sorted by [`Failure::index`].
    pub failures: Vec<Failure<E>>,
}

impl<E> ErrorGroup<E> {
    /// The application errors only (the recoverable kind, usually): `(index, error)`.
    pub fn application_errors(&self) -> impl Iterator<Item = (usize, &E)> {
        self.failures.iter().filter_map(|failure| match failure {
            Failure::Error { index, error } => Some((*index, error)),
            Failure::Task(_) => None,
        })
    }

    /// How many failures are panics.
    pub fn panics(&self) -> usize {
        let panicked = |f: &&Failure<E>| matches!(f, Failure::Task(failed) if failed.is_panic());
        self.failures.iter().filter(panicked).count()
    }

    /// How many failures are cancellations.
    pub fn cancellations(&self) -> usize {
        let cancelled = |f: &&Failure<E>| matches!(f, Failure::Task(TaskFailed::Cancelled { .. }));
        self.failures.iter().filter(cancelled).count()
    }
}

impl<E: fmt::Display> fmt::Display for ErrorGroup<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} task(s) failed", self.failures.len())?;
        for failure in &self.failures {
            write!(f, "; {failure}")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for ErrorGroup<E> {}

// ANCHOR: join_classified
/// Waits for every task left in `set` and returns their values in spawn order, or every
/// failure, classified: the error half of a task group that never cancels siblings.
/// An empty set gives `Ok(vec![])` at once.
///
/// # Errors
/// An [`ErrorGroup`] when at least one task returned `Err`, panicked or was cancelled; the
/// values of the others are dropped with it.
///
/// # Examples
/// ```
/// use basics::IndexedJoinSet;
/// use errors_timeouts::{Failure, join_classified};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let mut set = IndexedJoinSet::new();
/// set.spawn(async { Ok::<u32, String>(1) });
/// set.spawn(async { Err("bad input".to_string()) });
/// let errors = join_classified(set).await.unwrap_err();
/// assert!(matches!(&errors.failures[..], [Failure::Error { index: 1, .. }]));
/// assert_eq!(errors.to_string(), "1 task(s) failed; task 1 failed: bad input");
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops the set, aborting every task still running.
pub async fn join_classified<T, E>(
    mut set: IndexedJoinSet<Result<T, E>>,
) -> Result<Vec<T>, ErrorGroup<E>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let mut values = Vec::new();
    let mut failures = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((index, Ok(value))) => values.push((index, value)),
            Ok((index, Err(error))) => failures.push(Failure::Error { index, error }),
            Err(failed) => failures.push(Failure::Task(failed)),
        }
    }
    if failures.is_empty() {
        values.sort_by_key(|(index, _)| *index);
        Ok(values.into_iter().map(|(_, value)| value).collect())
    } else {
        failures.sort_by_key(Failure::index);
        Err(ErrorGroup { failures })
    }
}
// ANCHOR_END: join_classified
