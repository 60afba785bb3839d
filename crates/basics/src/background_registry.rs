//! Background registry: named long-lived jobs, owned in one place, stopped together on exit.
//!
//! [`BackgroundRegistry`] spawns each job on a [`TaskTracker`] with a child of one
//! [`CancellationToken`]. [`shutdown`](BackgroundRegistry::shutdown) cancels the token (the
//! polite request every job watches), waits for the jobs until a deadline, aborts those still
//! running, waits for them to stop, and reports which job stopped how in a [`ShutdownReport`].
//! Dropping the registry without `shutdown` cancels and aborts every job, without waiting.
//!
//! The lesson: `docs/basics.md`, section *Background registry*.

use std::future::Future;

use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How each job ended during [`BackgroundRegistry::shutdown`], job names in spawn order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use = "a report names the jobs that were aborted or panicked"]
pub struct ShutdownReport {
    /// Jobs that returned by themselves (before shutdown, or after seeing the token), not
    /// stopped by the abort at the deadline.
    pub stopped: Vec<String>,
    /// Jobs still running at the deadline, aborted (all of them at the deadline, together).
    pub aborted: Vec<String>,
    /// Jobs that panicked.
    pub panicked: Vec<String>,
}

impl ShutdownReport {
    /// Whether every job stopped by itself.
    pub fn is_clean(&self) -> bool {
        self.aborted.is_empty() && self.panicked.is_empty()
    }
}

/// One registered job.
#[derive(Debug)]
struct Job {
    name: String,
    handle: JoinHandle<()>,
}

// ANCHOR: registry
/// Named background jobs that share one cancellation token and are stopped together.
///
/// Dropping the registry without [`shutdown`](BackgroundRegistry::shutdown) still stops every
/// job: it cancels the token and aborts them (without waiting).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use basics::BackgroundRegistry;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let mut registry = BackgroundRegistry::new();
/// registry.spawn("heartbeat", |token| async move {
///     while !token.is_cancelled() {
///         tokio::select! {
///             _ = token.cancelled() => {}
///             _ = tokio::time::sleep(Duration::from_secs(1)) => { /* send a heartbeat */ }
///         }
///     }
/// });
/// tokio::time::sleep(Duration::from_secs(3)).await;
/// let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
/// let report = registry.shutdown(deadline).await;
/// assert_eq!(report.stopped, ["heartbeat"]);
/// assert!(report.is_clean());
/// # }
/// ```
#[derive(Debug)]
#[must_use = "dropping the registry aborts every job"]
pub struct BackgroundRegistry {
    tracker: TaskTracker,
    token: CancellationToken,
    jobs: Vec<Job>,
}

impl BackgroundRegistry {
    /// An empty registry.
    pub fn new() -> BackgroundRegistry {
        BackgroundRegistry {
            tracker: TaskTracker::new(),
            token: CancellationToken::new(),
            jobs: Vec::new(),
        }
    }

    /// Spawns the job `make(token)` under `name`. The job should return soon after
    /// `token.cancelled()` completes; one that does not is aborted at the shutdown deadline.
    ///
    /// Names are labels for the report; they need not be unique.
    ///
    /// # Panics
    /// When called outside a tokio runtime, as `tokio::spawn` does.
    #[track_caller]
    pub fn spawn<F, Fut>(&mut self, name: impl Into<String>, make: F)
    where
        F: FnOnce(CancellationToken) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        // A child token: cancelling the registry reaches every job, and a job cancelling its own
        // token (to stop itself) does not reach its siblings.
        let handle = self.tracker.spawn(make(self.token.child_token()));
        self.jobs.push(Job {
            name: name.into(),
            handle,
        });
    }

    /// The number of jobs spawned.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// Whether no job was spawned.
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Stops every job: cancels the token, waits until `deadline` for the jobs to return, aborts
    /// the ones still running and waits for them to stop. Returns once no job runs any more.
    ///
    /// A `deadline` already past is documented behaviour, not an error: the token is cancelled
    /// and every job still running is aborted at once (a job gets no chance to react to the
    /// token). An empty registry returns an empty report at once.
    ///
    /// # Cancel safety
    /// Dropping the returned future drops the registry, which aborts every job still running
    /// without waiting for it; the report is lost.
    pub async fn shutdown(mut self, deadline: Instant) -> ShutdownReport {
        self.token.cancel();
        self.tracker.close();
        // `timeout_at` polls `wait` once before looking at the deadline; with a deadline already
        // past, jobs that have not run since the cancel are still running and get aborted.
        let _all_stopped = tokio::time::timeout_at(deadline, self.tracker.wait()).await;

        // Abort every straggler first, then wait: awaiting one aborted job before aborting the
        // next would let the later ones run (and even finish) past the deadline.
        let jobs = std::mem::take(&mut self.jobs);
        for job in &jobs {
            job.handle.abort(); // does nothing to a job that has already returned
        }
        let mut report = ShutdownReport::default();
        for job in jobs {
            // Awaiting an aborted task waits until it has been dropped: its cleanup has run.
            match job.handle.await {
                Ok(()) => report.stopped.push(job.name),
                Err(error) if error.is_panic() => report.panicked.push(job.name),
                Err(_cancelled) => report.aborted.push(job.name),
            }
        }
        report
    }
}
// ANCHOR_END: registry

impl Default for BackgroundRegistry {
    fn default() -> Self {
        BackgroundRegistry::new()
    }
}

impl Drop for BackgroundRegistry {
    fn drop(&mut self) {
        // Nothing orphaned: a registry dropped without `shutdown` (an early `?`, a panic) still
        // stops its jobs. After `shutdown`, `jobs` is empty and the token already cancelled.
        self.token.cancel();
        for job in &self.jobs {
            job.handle.abort();
        }
    }
}
