//! Error aggregation: gather every failure of a group and tell a panic, a cancellation and an
//! application error apart.
//!
//! # Python
//! ```python
//! try:
//!     async with asyncio.TaskGroup() as group:
//!         for job in jobs: group.create_task(job())
//! except* ValueError as group: recoverable(group.exceptions)
//! except* Exception as group: fatal(group.exceptions)
//! ```
//!
//! # Rust
//! A spawned task ends in one of three ways, and the types keep them apart: its own
//! `Err(E)` (an application error), a [`JoinError`] that [`is_panic`](JoinError::is_panic), or a
//! [`JoinError`] that [`is_cancelled`](JoinError::is_cancelled) (aborted, or its runtime shut
//! down). [`Group::join`] maps each task onto [`TaskFailure`] and [`ErrorGroup`] is the
//! `ExceptionGroup`: a `Vec` of failures with their positions, and a `Display` that lists them.
//!
//! # Differences
//! - A panic is a bug, not an error: tokio catches it at the task boundary and hands it back as
//!   a `JoinError`, so one panicking task does not take the program down.
//! - Cancellation is not an exception inside the task: the task is dropped. Only the joiner sees
//!   it, as a `JoinError`.
//!
//! # Pitfalls
//! - `handle.await.unwrap()` turns a task's panic into the joiner's panic and a cancellation into
//!   a panic too: handle the `JoinError` on purpose.
//!
//! # See also
//! [`crate::partial_failure`], [`crate::abort_after_failures`].

use std::any::Any;
use std::fmt;
use std::future::Future;

use std::collections::HashMap;

use tokio::task::{AbortHandle, Id, JoinError, JoinSet};

// ANCHOR: task_failure
/// Why one task of a group produced no value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskFailure<E> {
    /// The task returned its own error: an application error, often recoverable.
    #[error("failed: {0}")]
    Failed(E),
    /// The task panicked: a bug. The payload's message, when it was a string.
    #[error("panicked: {0}")]
    Panicked(String),
    /// The task was cancelled (aborted, or its runtime shut down) before it finished.
    #[error("cancelled")]
    Cancelled,
}

impl<E> TaskFailure<E> {
    /// Sorts a join outcome into a value or a [`TaskFailure`].
    pub fn classify<T>(joined: Result<Result<T, E>, JoinError>) -> Result<T, TaskFailure<E>> {
        match joined {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(TaskFailure::Failed(error)),
            Err(error) if error.is_panic() => {
                Err(TaskFailure::Panicked(panic_message(error.into_panic())))
            }
            Err(_) => Err(TaskFailure::Cancelled),
        }
    }
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    // `panic!("literal")` carries a `&str`, `panic!("{x}")` a `String`; anything else is opaque.
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload.downcast_ref::<&str>().map_or_else(
            || "non-string panic payload".to_owned(),
            |s| (*s).to_owned(),
        ),
    }
}
// ANCHOR_END: task_failure

/// Every failure of a group, with its input position: Rust's `ExceptionGroup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorGroup<E> {
    /// `(position, failure)`, in input order.
    pub failures: Vec<(usize, TaskFailure<E>)>,
}

impl<E> ErrorGroup<E> {
    /// The application errors only (the recoverable kind, usually).
    pub fn application_errors(&self) -> impl Iterator<Item = (usize, &E)> {
        self.failures
            .iter()
            .filter_map(|(position, failure)| match failure {
                TaskFailure::Failed(error) => Some((*position, error)),
                _ => None,
            })
    }

    /// How many failures are panics.
    pub fn panics(&self) -> usize {
        let panicked = |f: &&(usize, TaskFailure<E>)| matches!(f.1, TaskFailure::Panicked(_));
        self.failures.iter().filter(panicked).count()
    }

    /// How many failures are cancellations.
    pub fn cancellations(&self) -> usize {
        let cancelled = |f: &&(usize, TaskFailure<E>)| matches!(f.1, TaskFailure::Cancelled);
        self.failures.iter().filter(cancelled).count()
    }
}

impl<E: fmt::Display> fmt::Display for ErrorGroup<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} task(s) failed", self.failures.len())?;
        for (position, failure) in &self.failures {
            write!(f, "; task {position} {failure}")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for ErrorGroup<E> {}

// ANCHOR: join_classified
/// A group of spawned tasks whose failures are collected and classified, like a `TaskGroup`
/// that never cancels siblings: [`join`](Group::join) waits for every member.
///
/// Members are numbered in spawn order, from 0.
///
/// # Examples
/// ```
/// use errors_timeouts::{Group, TaskFailure};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let mut group = Group::new();
/// group.spawn(async { Ok::<u32, String>(1) });
/// group.spawn(async { Err("bad input".to_string()) });
/// let errors = group.join().await.unwrap_err();
/// assert_eq!(errors.failures, [(1, TaskFailure::Failed("bad input".to_string()))]);
/// # }
/// ```
#[derive(Debug)]
pub struct Group<T, E> {
    set: JoinSet<Result<T, E>>,
    positions: HashMap<Id, usize>,
}

impl<T, E> Default for Group<T, E> {
    fn default() -> Self {
        Group {
            set: JoinSet::new(),
            positions: HashMap::new(),
        }
    }
}

impl<T: Send + 'static, E: Send + 'static> Group<T, E> {
    /// An empty group.
    pub fn new() -> Self {
        Group::default()
    }

    /// Spawns a member; the returned handle can abort it (it then counts as
    /// [`TaskFailure::Cancelled`]).
    pub fn spawn<F>(&mut self, future: F) -> AbortHandle
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
    {
        let handle = self.set.spawn(future);
        self.positions.insert(handle.id(), self.positions.len());
        handle
    }

    /// Waits for every member and returns the values in spawn order, or every failure,
    /// classified. An empty group gives `Ok(vec![])` at once.
    ///
    /// # Errors
    /// An [`ErrorGroup`] when at least one member failed, panicked or was cancelled; the values
    /// of the others are dropped with it.
    ///
    /// # Cancel safety
    /// Dropping the returned future drops the group, aborting every member still running.
    pub async fn join(mut self) -> Result<Vec<T>, ErrorGroup<E>> {
        let mut values = Vec::new();
        let mut failures = Vec::new();
        while let Some(joined) = self.set.join_next_with_id().await {
            // A failed join carries the task id only, hence the id-to-position map.
            let (id, outcome) = match joined {
                Ok((id, outcome)) => (id, outcome.map_err(TaskFailure::Failed)),
                Err(error) => (error.id(), TaskFailure::classify::<T>(Err(error))),
            };
            match outcome {
                Ok(value) => values.push((self.positions[&id], value)),
                Err(failure) => failures.push((self.positions[&id], failure)),
            }
        }
        values.sort_by_key(|(position, _)| *position);
        failures.sort_by_key(|(position, _)| *position);
        if failures.is_empty() {
            Ok(values.into_iter().map(|(_, value)| value).collect())
        } else {
            Err(ErrorGroup { failures })
        }
    }
}
// ANCHOR_END: join_classified
