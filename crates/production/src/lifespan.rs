//! Lifespan: start resources in order, tear them down in reverse, and never leave one running
//! when a later one fails to start.
//!
//! [`Lifespan::start`] runs one step (connect the pool, build the client) and keeps its
//! teardown. When step k fails, steps k-1..1 are torn down in reverse before the error is
//! returned, as nested `async with` blocks would unwind. [`Lifespan::shutdown`] tears down every
//! started step in reverse, each under its own timeout, attempts every step even after one
//! fails, and returns the first error.
//!
//! The lesson: `docs/production.md`, section *Lifespan*.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use basics::config::{self, ConfigError};
use basics::task::PanicPayload;
use futures::FutureExt as _;
use futures::future::BoxFuture;

/// Any error a step's start or teardown returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

// ANCHOR: step_error
/// Why one step failed to start or to stop.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The step returned an error.
    #[error("{step} failed: {source}")]
    Failed {
        /// The step's name.
        step: &'static str,
        /// What it returned.
        source: BoxError,
    },
    /// The teardown did not finish within its timeout and was dropped.
    #[error("{step} did not stop within {limit:?}")]
    TimedOut {
        /// The step's name.
        step: &'static str,
        /// The teardown timeout.
        limit: Duration,
    },
    /// The step panicked; the panic was caught and goes no further.
    #[error("{step} panicked: {payload}")]
    Panicked {
        /// The step's name.
        step: &'static str,
        /// What it panicked with.
        payload: PanicPayload,
    },
}
// ANCHOR_END: step_error

impl StepError {
    /// The step's name.
    pub fn step(&self) -> &'static str {
        match self {
            StepError::Failed { step, .. }
            | StepError::TimedOut { step, .. }
            | StepError::Panicked { step, .. } => step,
        }
    }
}

/// One or more teardown steps failed; every step was still attempted.
#[derive(Debug, thiserror::Error)]
#[error("teardown failed: {first}{}", more(.others.len()))]
pub struct TeardownFailed {
    /// The first failure, in teardown order (the last-started failing step).
    pub first: StepError,
    /// The failures after it, in teardown order.
    pub others: Vec<StepError>,
}

fn more(others: usize) -> String {
    match others {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    }
}

/// Step `index` (from 0, in start order) failed to start; the steps before it were torn down.
#[derive(Debug, thiserror::Error)]
#[error("starting step {index} ({}) failed", .error.step())]
pub struct StartFailed {
    /// The failing step's position in start order, from 0.
    pub index: usize,
    /// Why it failed.
    #[source]
    pub error: StepError,
    /// What tearing down the steps before it did: `Err` when one of those failed too.
    pub rollback: Result<(), TeardownFailed>,
}

type Teardown = Box<dyn FnOnce() -> BoxFuture<'static, Result<(), BoxError>> + Send>;

struct Started {
    name: &'static str,
    stop: Teardown,
}

// ANCHOR: lifespan
/// The resources a service started, in order, each with its teardown.
///
/// Owned by `main`, not shared. Dropping it skips every teardown (the resources' own `Drop`
/// still runs wherever they are held): call [`shutdown`](Lifespan::shutdown).
///
/// An empty lifespan is valid: `shutdown` returns `Ok(())` at once.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use production::Lifespan;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut lifespan = Lifespan::new(Duration::from_secs(5))?;
/// let pool = lifespan
///     .start("db pool", async { Ok::<_, std::io::Error>("pool") }, |_pool| async {
///         Ok::<_, std::io::Error>(())
///     })
///     .await?;
/// assert_eq!(pool, "pool");
/// assert_eq!(lifespan.started(), ["db pool"]);
/// lifespan.shutdown().await?;
/// # Ok(())
/// # }
/// ```
#[must_use = "dropping a lifespan skips every teardown: call shutdown"]
pub struct Lifespan {
    teardown_timeout: Duration,
    started: Vec<Started>,
}
// ANCHOR_END: lifespan

impl fmt::Debug for Lifespan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lifespan")
            .field("teardown_timeout", &self.teardown_timeout)
            .field("started", &self.started())
            .finish()
    }
}

impl Lifespan {
    /// An empty lifespan whose teardown steps each get `teardown_timeout` (each its own timer).
    ///
    /// # Errors
    /// [`ConfigError::Zero`] for a zero timeout, [`ConfigError::TooLong`] past
    /// [`config::MAX_DURATION`].
    pub fn new(teardown_timeout: Duration) -> Result<Lifespan, ConfigError> {
        Ok(Lifespan {
            teardown_timeout: config::duration("teardown_timeout", teardown_timeout)?,
            started: Vec::new(),
        })
    }

    /// The names of the started steps, in start order.
    pub fn started(&self) -> Vec<&'static str> {
        self.started.iter().map(|step| step.name).collect()
    }

    // ANCHOR: start
    /// Starts one step: awaits `start`, keeps `stop` (given a clone of the resource) for
    /// teardown, and returns the resource.
    ///
    /// Resources are cheap-`Clone` handles (a pool, a client): one clone goes to the caller,
    /// one to the teardown.
    ///
    /// # Errors
    /// When `start` returns an error or panics: every step started before it is torn down in
    /// reverse first, and [`StartFailed`] says which step failed and how the rollback went.
    /// The lifespan is then empty (and can be started again).
    ///
    /// # Cancel safety
    /// A resource is recorded in the same poll that `start` returns it, so dropping this
    /// future (a signal during startup) never loses a started step: the steps started so far
    /// are still torn down by [`shutdown`](Lifespan::shutdown). A drop during the rollback
    /// skips the teardowns not yet run, which stay in the lifespan.
    pub async fn start<R, E, S, F, T, E2>(
        &mut self,
        name: &'static str,
        start: S,
        stop: F,
    ) -> Result<R, StartFailed>
    where
        R: Clone + Send + 'static,
        E: Into<BoxError>,
        S: Future<Output = Result<R, E>>,
        F: FnOnce(R) -> T + Send + 'static,
        T: Future<Output = Result<(), E2>> + Send + 'static,
        E2: Into<BoxError>,
    {
        let error = match AssertUnwindSafe(start).catch_unwind().await {
            Ok(Ok(resource)) => {
                let kept = resource.clone();
                self.started.push(Started {
                    name,
                    stop: Box::new(move || {
                        async move { stop(kept).await.map_err(Into::into) }.boxed()
                    }),
                });
                return Ok(resource);
            }
            Ok(Err(source)) => StepError::Failed {
                step: name,
                source: source.into(),
            },
            Err(payload) => StepError::Panicked {
                step: name,
                payload: PanicPayload::new(payload),
            },
        };
        let index = self.started.len();
        let rollback = self.tear_down().await;
        Err(StartFailed {
            index,
            error,
            rollback,
        })
    }
    // ANCHOR_END: start

    /// Tears down every started step in reverse order, each under its own teardown timeout.
    ///
    /// # Errors
    /// [`TeardownFailed`] with the first failure in teardown order (and the others) when a
    /// step returned an error, panicked or did not stop within the teardown timeout. Every
    /// step is attempted either way.
    ///
    /// # Cancel safety
    /// Dropping the future drops the teardown in progress; the steps not yet torn down are
    /// dropped with the lifespan, unstopped.
    pub async fn shutdown(mut self) -> Result<(), TeardownFailed> {
        self.tear_down().await
    }

    // ANCHOR: tear_down
    async fn tear_down(&mut self) -> Result<(), TeardownFailed> {
        let mut errors = Vec::new();
        while let Some(step) = self.started.pop() {
            let stopping = AssertUnwindSafe((step.stop)()).catch_unwind();
            let error = match tokio::time::timeout(self.teardown_timeout, stopping).await {
                Ok(Ok(Ok(()))) => continue,
                Ok(Ok(Err(source))) => StepError::Failed {
                    step: step.name,
                    source,
                },
                Ok(Err(payload)) => StepError::Panicked {
                    step: step.name,
                    payload: PanicPayload::new(payload),
                },
                Err(_elapsed) => StepError::TimedOut {
                    step: step.name,
                    limit: self.teardown_timeout,
                },
            };
            errors.push(error);
        }
        let mut errors = errors.into_iter();
        match errors.next() {
            None => Ok(()),
            Some(first) => Err(TeardownFailed {
                first,
                others: errors.collect(),
            }),
        }
    }
    // ANCHOR_END: tear_down
}
