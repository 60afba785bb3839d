//! How the workspace reports a task that gave no output, and how it maps a task back to its
//! input: [`TaskFailed`] and [`IndexedJoinSet`].
//!
//! Every API that spawns tasks and joins them (gather, as-completed, races, task groups, error
//! aggregation, abort-after-N, completion, pipelines, worker pools) reports a task that panicked
//! or was cancelled as a [`TaskFailed`]: which input it came from (`index`), and whether it
//! panicked (with the payload, which can be re-raised) or was cancelled.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use basics::task::{IndexedJoinSet, TaskFailed};
//!
//! let mut set = IndexedJoinSet::new();
//! set.spawn(async { 1 });
//! set.spawn(async { panic!("input 1 is bad") });
//! let mut outcomes = Vec::new();
//! while let Some(joined) = set.join_next().await {
//!     outcomes.push(joined);
//! }
//! outcomes.sort_by_key(|outcome| match outcome {
//!     Ok((index, _)) => *index,
//!     Err(failed) => failed.index(),
//! });
//! assert!(matches!(outcomes[0], Ok((0, 1))));
//! let Err(TaskFailed::Panicked { index: 1, payload }) = &outcomes[1] else { panic!() };
//! assert_eq!(payload.message(), Some("input 1 is bad"));
//! # }
//! ```

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use tokio::task::{AbortHandle, Id, JoinError, JoinSet};

/// Why a task, known by its position in the input, gave no output.
///
/// `index` is the position of the task's input (or the stage, worker or job number the API
/// documents). A panic keeps its payload: [`PanicPayload::resume`] re-raises it on the caller.
#[derive(Debug, thiserror::Error)]
pub enum TaskFailed {
    /// The task panicked.
    #[error("task {index} panicked: {payload}")]
    Panicked {
        /// The task's position in the input.
        index: usize,
        /// What it panicked with.
        payload: PanicPayload,
    },
    /// The task was cancelled from outside: aborted, or its runtime shut down.
    #[error("task {index} was cancelled")]
    Cancelled {
        /// The task's position in the input.
        index: usize,
    },
}

impl TaskFailed {
    /// Classifies a failed join of the task at `index`.
    pub fn from_join_error(index: usize, error: JoinError) -> TaskFailed {
        match error.try_into_panic() {
            Ok(payload) => TaskFailed::Panicked {
                index,
                payload: PanicPayload::new(payload),
            },
            Err(_cancelled) => TaskFailed::Cancelled { index },
        }
    }

    /// The failed task's position in the input.
    pub fn index(&self) -> usize {
        match self {
            TaskFailed::Panicked { index, .. } | TaskFailed::Cancelled { index } => *index,
        }
    }

    /// Whether the task panicked (rather than being cancelled).
    pub fn is_panic(&self) -> bool {
        matches!(self, TaskFailed::Panicked { .. })
    }
}

/// What a task panicked with: the value given to `panic!`, kept so it can be read or re-raised.
///
/// The payload is `Box<dyn Any + Send>`, as [`std::panic::catch_unwind`] and
/// [`JoinError::into_panic`] give it; its text, when it is a string (it is for every
/// `panic!("...")`), is read once and shown by `Display`.
pub struct PanicPayload {
    message: Option<String>,
    // A `Mutex` only to make the payload `Sync` (errors are shared across threads, `anyhow`
    // requires it): it is locked once, to take the payload out.
    payload: Mutex<Option<Box<dyn Any + Send>>>,
}

impl PanicPayload {
    /// Wraps a payload from `catch_unwind` or `JoinError::into_panic`.
    pub fn new(payload: Box<dyn Any + Send>) -> PanicPayload {
        let message = payload
            .downcast_ref::<&'static str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned());
        PanicPayload {
            message,
            payload: Mutex::new(Some(payload)),
        }
    }

    /// The panic's message, when it was a string.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Takes the payload out, to re-raise it with [`std::panic::resume_unwind`] or inspect it.
    pub fn into_inner(self) -> Box<dyn Any + Send> {
        self.payload
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .expect("the payload is taken only by into_inner, which consumes self")
    }

    /// Re-raises the panic on the current thread, as if the task's code had panicked here.
    pub fn resume(self) -> ! {
        std::panic::resume_unwind(self.into_inner())
    }
}

impl fmt::Debug for PanicPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PanicPayload").field(&self.message).finish()
    }
}

impl fmt::Display for PanicPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message().unwrap_or("a value that is not a string"))
    }
}

/// A [`JoinSet`] that remembers which input each task came from.
///
/// `spawn` numbers tasks 0, 1, 2, ... in the order they are spawned; [`join_next`] gives back a
/// finished task's number with its output, or a [`TaskFailed`] with the number of a task that
/// panicked or was aborted. (A plain `JoinSet` returns only the output, and for a failed task
/// only its [`Id`]: this type keeps the `Id → index` map that every caller would otherwise write.)
///
/// Dropping the set aborts every task still in it, as `JoinSet` does.
///
/// [`join_next`]: IndexedJoinSet::join_next
pub struct IndexedJoinSet<T> {
    set: JoinSet<T>,
    indices: HashMap<Id, usize>,
    spawned: usize,
}

impl<T> fmt::Debug for IndexedJoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexedJoinSet")
            .field("running", &self.set.len())
            .field("spawned", &self.spawned)
            .finish()
    }
}

impl<T> Default for IndexedJoinSet<T> {
    fn default() -> IndexedJoinSet<T> {
        IndexedJoinSet::new()
    }
}

impl<T> IndexedJoinSet<T> {
    /// An empty set.
    pub fn new() -> IndexedJoinSet<T> {
        IndexedJoinSet {
            set: JoinSet::new(),
            indices: HashMap::new(),
            spawned: 0,
        }
    }

    /// How many tasks are in the set (running, or finished and not yet joined).
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// Whether no task is left to join.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// How many tasks were ever spawned on this set: the next task's index.
    pub fn spawned(&self) -> usize {
        self.spawned
    }

    fn record(&mut self, id: Id) -> usize {
        let index = self.spawned;
        self.spawned += 1;
        self.indices.insert(id, index);
        index
    }

    fn classify(&mut self, joined: Result<(Id, T), JoinError>) -> Result<(usize, T), TaskFailed> {
        let id = match &joined {
            Ok((id, _)) => *id,
            Err(error) => error.id(),
        };
        let index = self
            .indices
            .remove(&id)
            .expect("a JoinSet gives back only tasks spawned on it, and each was recorded");
        match joined {
            Ok((_, output)) => Ok((index, output)),
            Err(error) => Err(TaskFailed::from_join_error(index, error)),
        }
    }
}

impl<T: 'static> IndexedJoinSet<T> {
    /// Aborts every task in the set; each is then joined as [`TaskFailed::Cancelled`] (or with
    /// its output, if it had already finished).
    pub fn abort_all(&mut self) {
        self.set.abort_all();
    }

    /// Aborts every task and waits until all of them have stopped.
    ///
    /// # Cancel safety
    /// Dropping the future leaves the remaining tasks aborted but not yet joined; they are
    /// still aborted when the set is dropped.
    pub async fn shutdown(&mut self) {
        self.set.shutdown().await;
        self.indices.clear();
    }
}

impl<T: Send + 'static> IndexedJoinSet<T> {
    /// Spawns `task` on the current runtime and returns its index.
    ///
    /// # Panics
    /// Outside a tokio runtime, as [`tokio::spawn`] does.
    #[track_caller]
    pub fn spawn<F>(&mut self, task: F) -> usize
    where
        F: Future<Output = T> + Send + 'static,
    {
        let handle: AbortHandle = self.set.spawn(task);
        self.record(handle.id())
    }

    /// Waits for the next task to finish and returns its index and output, or why it gave none.
    /// `None` when the set is empty.
    ///
    /// # Cancel safety
    /// Cancel-safe: if the future is dropped before it completes, no task's outcome is lost; it
    /// is returned by a later call.
    pub async fn join_next(&mut self) -> Option<Result<(usize, T), TaskFailed>> {
        let joined = self.set.join_next_with_id().await?;
        Some(self.classify(joined))
    }

    /// The polling form of [`join_next`](IndexedJoinSet::join_next), for a hand-written
    /// `Future` or `Stream`.
    pub fn poll_join_next(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(usize, T), TaskFailed>>> {
        match self.set.poll_join_next_with_id(cx) {
            Poll::Ready(Some(joined)) => Poll::Ready(Some(self.classify(joined))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn outputs_and_failures_carry_their_input_index() {
        let mut set = IndexedJoinSet::new();
        assert_eq!(set.spawn(async { "zero" }), 0);
        assert_eq!(set.spawn(std::future::pending()), 1);
        assert_eq!(set.spawn(async { panic!("two fails") }), 2);
        assert_eq!(set.spawned(), 3);

        let mut seen = Vec::new();
        for _ in 0..2 {
            match set.join_next().await.expect("two tasks end by themselves") {
                Ok((index, output)) => seen.push(format!("{index} returned {output}")),
                Err(failed) => seen.push(failed.to_string()),
            }
        }
        seen.sort();
        assert_eq!(seen, ["0 returned zero", "task 2 panicked: two fails"]);

        set.abort_all();
        let aborted = set.join_next().await.expect("the pending task is joined");
        assert!(matches!(aborted, Err(TaskFailed::Cancelled { index: 1 })));
        assert!(set.join_next().await.is_none());
    }

    #[tokio::test]
    async fn a_panic_payload_can_be_read_and_taken_back() {
        let mut set = IndexedJoinSet::new();
        set.spawn(async { std::panic::panic_any(42_u32) });
        let Some(Err(TaskFailed::Panicked { index, payload })) = set.join_next().await else {
            panic!("the task panics");
        };
        assert_eq!(index, 0);
        assert_eq!(payload.message(), None);
        assert_eq!(payload.to_string(), "a value that is not a string");
        assert_eq!(payload.into_inner().downcast_ref::<u32>(), Some(&42));
    }

    #[test]
    fn task_failed_is_an_error_anyhow_accepts() {
        fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}
        assert_error::<TaskFailed>();
    }
}
