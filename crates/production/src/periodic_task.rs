//! Periodic task: run a job every period on an [`interval`](tokio::time::interval) with an
//! explicit [`MissedTickBehavior`], isolate each run's error, bound each run with a timeout,
//! and stop as soon as the task is cancelled.
//!
//! [`PeriodicTask::spawn`] starts the loop; [`PeriodicTask::shutdown`] stops it and returns a
//! [`PeriodicReport`] that counts the runs by outcome. The missed-tick behaviour is a required
//! field of [`PeriodicConfig`] because tokio's default, `Burst`, runs every missed tick back to
//! back after a stall (the catch-up storm).
//!
//! The lesson: `docs/production.md`, section *Periodic task*.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use basics::config::{self, ConfigError};
use basics::task::{PanicPayload, TaskFailed};
use futures::FutureExt as _;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;

// ANCHOR: config
/// How often to run, what to do after a stall, and how long one run may take.
///
/// No `Default`: the missed-tick behaviour is a decision, not an accident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodicConfig {
    /// Time between the starts of two runs.
    pub period: Duration,
    /// What the interval does with ticks missed while a run was late: `Burst` fires them all
    /// at once, `Delay` restarts the grid from the late tick, `Skip` drops them and keeps the
    /// grid.
    pub missed_tick: MissedTickBehavior,
    /// A run still going after this long is dropped and counted as timed out; `None` lets a
    /// run take as long as it takes.
    pub run_timeout: Option<Duration>,
}
// ANCHOR_END: config

/// Why one run gave no success.
#[derive(Debug, thiserror::Error)]
pub enum RunError<E> {
    /// The run returned an error.
    #[error("run {run} failed: {error}")]
    Failed {
        /// The run's number, from 1.
        run: u64,
        /// What it returned.
        error: E,
    },
    /// The run did not finish within the run timeout and was dropped.
    #[error("run {run} timed out after {limit:?}")]
    TimedOut {
        /// The run's number, from 1.
        run: u64,
        /// The run timeout.
        limit: Duration,
    },
    /// The run panicked; the panic was caught and the next run still happens.
    #[error("run {run} panicked: {payload}")]
    Panicked {
        /// The run's number, from 1.
        run: u64,
        /// What it panicked with.
        payload: PanicPayload,
    },
}

// ANCHOR: report
/// What the loop did, counted by outcome (counts, not lists, so a task that runs for months
/// keeps a fixed size).
#[derive(Debug)]
#[must_use = "the report counts failed, timed-out and panicked runs"]
pub struct PeriodicReport<E> {
    /// Runs started.
    pub runs: u64,
    /// Runs that returned `Ok`.
    pub succeeded: u64,
    /// Runs that returned `Err`.
    pub failed: u64,
    /// Runs dropped at the run timeout.
    pub timed_out: u64,
    /// Runs that panicked.
    pub panicked: u64,
    /// A run was in progress when the task was stopped, and was dropped.
    pub cut_short: bool,
    /// The most recent failure, if any.
    pub last_error: Option<RunError<E>>,
}
// ANCHOR_END: report

impl<E> PeriodicReport<E> {
    fn new() -> PeriodicReport<E> {
        PeriodicReport {
            runs: 0,
            succeeded: 0,
            failed: 0,
            timed_out: 0,
            panicked: 0,
            cut_short: false,
            last_error: None,
        }
    }
}

impl<E> fmt::Display for PeriodicReport<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} runs: {} ok, {} failed, {} timed out, {} panicked{}",
            self.runs,
            self.succeeded,
            self.failed,
            self.timed_out,
            self.panicked,
            if self.cut_short {
                ", the last one cut short"
            } else {
                ""
            }
        )
    }
}

/// A running periodic task; see the [module docs](self).
///
/// Owned by one caller, not `Clone`. Dropping it aborts the loop (and the run in progress).
#[derive(Debug)]
#[must_use = "dropping the handle stops the task"]
pub struct PeriodicTask<E> {
    token: CancellationToken,
    // Which `close` call stopped the loop: the token alone cannot say, since checking it and
    // cancelling it are two steps that two threads could interleave.
    closed: std::sync::atomic::AtomicBool,
    task: AbortOnDropHandle<PeriodicReport<E>>,
}

impl<E: Send + 'static> PeriodicTask<E> {
    // ANCHOR: spawn
    /// Starts the loop: run 1 at once, then one run per tick of an interval of
    /// `config.period`. Each run is `job(run_number)`, numbered from 1.
    ///
    /// The loop stops as soon as `stop` (or a child of it) is cancelled, or the handle is
    /// closed: while waiting for a tick, at once; during a run, by dropping the run at its
    /// current `.await` (reported as `cut_short`).
    ///
    /// # Errors
    /// [`ConfigError::Zero`] for a zero `period` or `run_timeout` (tokio's `interval` panics
    /// on a zero period), [`ConfigError::TooLong`] past [`config::MAX_DURATION`].
    ///
    /// # Panics
    /// Outside a tokio runtime, as [`tokio::spawn`] does.
    #[track_caller]
    pub fn spawn<F, Fut>(
        config: PeriodicConfig,
        stop: &CancellationToken,
        mut job: F,
    ) -> Result<PeriodicTask<E>, ConfigError>
    where
        F: FnMut(u64) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
    {
        let period = config::duration("period", config.period)?;
        let run_timeout = config
            .run_timeout
            .map(|limit| config::duration("run_timeout", limit))
            .transpose()?;
        let token = stop.child_token();
        let cancelled = token.clone();
        let task = tokio::spawn(async move {
            let mut report = PeriodicReport::new();
            // ANCHOR: periodic_task_key
            let mut interval = tokio::time::interval(period);
            interval.set_missed_tick_behavior(config.missed_tick);
            // ANCHOR_END: periodic_task_key
            loop {
                tokio::select! {
                    biased;
                    () = cancelled.cancelled() => break,
                    _ = interval.tick() => {}
                }
                report.runs += 1;
                let run = report.runs;
                // The job is called inside the caught future, so a panic when it is called
                // is caught like a panic while it runs.
                let running = AssertUnwindSafe(async { job(run).await }).catch_unwind();
                let limited = async {
                    match run_timeout {
                        Some(limit) => tokio::time::timeout(limit, running).await.ok(),
                        None => Some(running.await),
                    }
                };
                let outcome = tokio::select! {
                    biased;
                    () = cancelled.cancelled() => {
                        report.cut_short = true;
                        break;
                    }
                    outcome = limited => outcome,
                };
                // One run's failure is counted and kept; the loop goes on to the next tick.
                let error = match outcome {
                    Some(Ok(Ok(()))) => {
                        report.succeeded += 1;
                        continue;
                    }
                    Some(Ok(Err(error))) => {
                        report.failed += 1;
                        RunError::Failed { run, error }
                    }
                    Some(Err(payload)) => {
                        report.panicked += 1;
                        RunError::Panicked {
                            run,
                            payload: PanicPayload::new(payload),
                        }
                    }
                    None => {
                        report.timed_out += 1;
                        RunError::TimedOut {
                            run,
                            limit: run_timeout.unwrap_or_default(),
                        }
                    }
                };
                report.last_error = Some(error);
            }
            report
        });
        Ok(PeriodicTask {
            closed: std::sync::atomic::AtomicBool::new(false),
            token,
            task: AbortOnDropHandle::new(task),
        })
    }
    // ANCHOR_END: spawn

    /// Stops scheduling runs (and drops the run in progress) without waiting. Returns whether
    /// this call stopped it.
    pub fn close(&self) -> bool {
        // Stopped already by the caller's `stop` token: this call stops nothing.
        let stopped_already = self.token.is_cancelled();
        let first = !self.closed.swap(true, std::sync::atomic::Ordering::AcqRel);
        self.token.cancel();
        first && !stopped_already
    }

    /// Stops the loop and returns its report.
    ///
    /// # Errors
    /// [`TaskFailed::Cancelled`] (index 0) when the loop's task was cancelled from outside:
    /// its runtime is shutting down.
    ///
    /// # Cancel safety
    /// Dropping the future aborts the loop and loses the report.
    pub async fn shutdown(self) -> Result<PeriodicReport<E>, TaskFailed> {
        self.close();
        self.task
            .await
            .map_err(|error| TaskFailed::from_join_error(0, error))
    }
}
