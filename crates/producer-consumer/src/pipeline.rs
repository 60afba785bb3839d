//! Pipeline: stages joined by bounded channels (parse → enrich → store). Closing the input
//! shuts the stages down one after the other; a failing stage stops the pipeline with its error.
//!
//! Each [`Pipeline::stage`] is a task that owns its input receiver and its output sender. When
//! its input ends it returns, which drops its sender, which ends the next stage's input: shutdown
//! flows downstream with no sentinel. When a stage fails it returns its error, which drops both
//! ends: the next stage drains and stops, the previous stage's `send` fails and it stops.
//! [`Pipeline::join`] does not wait for that: it returns the error at once and aborts the stages
//! still running, so items already past the failing stage are dropped unfinished. Nothing waits
//! forever.
//!
//! There is no `close` or `shutdown(self)`: the pipeline does not own its input (the caller holds
//! the first sender), so there is nothing for it to close; dropping that sender is the close, and
//! [`Pipeline::join`] is the wait that reports, as a task group's `join` is.
//!
//! The lesson: `docs/producer-consumer.md`, section *Pipeline*.
//!
//! # See also
//! [`worker_pool`](crate::worker_pool) to run one stage on several workers; `futures`'
//! `StreamExt::then` for a pipeline on a single task.

use std::fmt;
use std::future::Future;

use basics::config::{self, ConfigError};
use basics::task::{IndexedJoinSet, TaskFailed};
use tokio::sync::mpsc;

/// Why a [`Pipeline`] stopped before its input ended.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError<E> {
    /// A stage returned an error.
    #[error("stage {stage} failed")]
    Failed {
        /// The stage's name.
        stage: &'static str,
        /// The stage's error.
        #[source]
        source: E,
    },
    /// A stage's task panicked or was cancelled (its runtime shut down). The [`TaskFailed`]'s
    /// index is the stage's position, from 0, in the order the stages were added.
    #[error("stage {stage} did not finish")]
    Stage {
        /// The stage's name.
        stage: &'static str,
        /// How its task ended, with the panic's payload.
        #[source]
        source: TaskFailed,
    },
}

/// A bounded channel to feed the first stage: tokio's `mpsc::channel`, whose receiver the stages
/// take, with a bad capacity refused as a [`ConfigError`] instead of a panic. Like every
/// `channel` of this crate, it returns the sending and the receiving end.
///
/// tokio's `mpsc` allocates as items arrive (in blocks of 32), so a large `capacity` costs no
/// memory up front.
///
/// # Errors
/// [`ConfigError::Zero`] when `capacity` is 0, [`ConfigError::TooLarge`] past
/// [`MAX_CAPACITY`](basics::config::MAX_CAPACITY) (2^20).
pub fn channel<T>(capacity: usize) -> Result<(mpsc::Sender<T>, mpsc::Receiver<T>), ConfigError> {
    let capacity = config::count("capacity", capacity)?;
    Ok(mpsc::channel(capacity))
}

/// A set of stages running as tasks; see the [module docs](self).
///
/// # Examples
/// ```
/// use producer_consumer::pipeline::{self, Pipeline};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut stages = Pipeline::<std::num::ParseIntError>::new();
/// let (lines, input) = pipeline::channel(4)?;
/// let numbers = stages.stage("parse", input, 4, |line: &str| async move { line.parse::<u32>() })?;
/// let doubled = stages.stage("double", numbers, 4, |n| async move { Ok(n * 2) })?;
/// let mut total = 0;
/// stages.sink("sum", doubled, move |n| {
///     total += n;
///     async move { Ok(()) }
/// });
/// for line in ["1", "2", "3"] {
///     lines.send(line).await?;
/// }
/// drop(lines); // the end of input flows down the stages
/// assert_eq!(stages.join().await?, ["parse", "double", "sum"]);
/// # Ok(())
/// # }
/// ```
#[must_use = "dropping the pipeline aborts its stages"]
pub struct Pipeline<E> {
    stages: IndexedJoinSet<Result<(), E>>,
    // The stages' names by position: `IndexedJoinSet` gives back each stage's index.
    names: Vec<&'static str>,
}

impl<E: Send + 'static> Pipeline<E> {
    /// A pipeline with no stages.
    pub fn new() -> Pipeline<E> {
        Pipeline {
            stages: IndexedJoinSet::new(),
            names: Vec::new(),
        }
    }

    // ANCHOR: stage
    /// Adds a stage named `name` that applies `f` to each item of `input` and sends each output
    /// to the returned receiver, which holds at most `capacity` items.
    ///
    /// The stage returns when its input ends, when `f` fails, or when the next stage is gone.
    ///
    /// # Errors
    /// [`ConfigError::Zero`] when `capacity` is 0, [`ConfigError::TooLarge`] past
    /// [`MAX_CAPACITY`](basics::config::MAX_CAPACITY); nothing is spawned then.
    ///
    /// # Panics
    /// When called outside a tokio runtime (it spawns the stage).
    #[track_caller]
    pub fn stage<A, B, F, Fut>(
        &mut self,
        name: &'static str,
        mut input: mpsc::Receiver<A>,
        capacity: usize,
        mut f: F,
    ) -> Result<mpsc::Receiver<B>, ConfigError>
    where
        A: Send + 'static,
        B: Send + 'static,
        F: FnMut(A) -> Fut + Send + 'static,
        Fut: Future<Output = Result<B, E>> + Send,
    {
        let (output, next) = channel(capacity)?;
        self.spawn(name, async move {
            while let Some(item) = input.recv().await {
                // `?`: returning drops `input` and `output`, which stops both neighbours.
                let out = f(item).await?;
                if output.send(out).await.is_err() {
                    // The next stage is gone; it reports its own error if it failed.
                    break;
                }
            }
            Ok(())
        });
        Ok(next)
    }
    // ANCHOR_END: stage

    /// Adds the last stage: `f` consumes each item of `input`.
    ///
    /// # Panics
    /// When called outside a tokio runtime (it spawns the stage).
    #[track_caller]
    pub fn sink<A, F, Fut>(&mut self, name: &'static str, mut input: mpsc::Receiver<A>, mut f: F)
    where
        A: Send + 'static,
        F: FnMut(A) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send,
    {
        self.spawn(name, async move {
            while let Some(item) = input.recv().await {
                f(item).await?;
            }
            Ok(())
        });
    }

    #[track_caller]
    fn spawn(
        &mut self,
        name: &'static str,
        stage: impl Future<Output = Result<(), E>> + Send + 'static,
    ) {
        let index = self.stages.spawn(stage);
        debug_assert_eq!(
            index,
            self.names.len(),
            "stages are numbered in the order added"
        );
        self.names.push(name);
    }

    // ANCHOR: join
    /// Waits for every stage and returns their names in the order they finished: once the
    /// input ends, that is the order of the stages.
    ///
    /// # Errors
    /// The first stage to fail: [`PipelineError::Failed`] with its error, or
    /// [`PipelineError::Stage`] when its task panicked or was cancelled. The stages still
    /// running are aborted.
    ///
    /// # Cancel safety
    /// Dropping the returned future aborts every stage.
    pub async fn join(mut self) -> Result<Vec<&'static str>, PipelineError<E>> {
        let mut finished = Vec::new();
        while let Some(joined) = self.stages.join_next().await {
            // Returning drops `self.stages`, which aborts the other stages.
            match joined {
                Ok((index, Ok(()))) => finished.push(self.names[index]),
                Ok((index, Err(source))) => {
                    let stage = self.names[index];
                    return Err(PipelineError::Failed { stage, source });
                }
                Err(source) => {
                    let stage = self.names[source.index()];
                    return Err(PipelineError::Stage { stage, source });
                }
            }
        }
        Ok(finished)
    }
    // ANCHOR_END: join
}

impl<E: Send + 'static> Default for Pipeline<E> {
    fn default() -> Self {
        Pipeline::new()
    }
}

impl<E> fmt::Debug for Pipeline<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pipeline")
            .field("running", &self.stages.len())
            .finish()
    }
}
