//! Health checks: check every component concurrently, each under its own timeout, and answer
//! with the worst result and one line per check.
//!
//! [`HealthChecks`] holds named checks, each `required` (its failure makes the service
//! [`Health::Unhealthy`]) or `optional` (its failure makes it [`Health::Degraded`]).
//! [`HealthChecks::check`] runs them all at once; a check that times out counts as failed with
//! the time it was given, a check that panics counts as failed with its message, and the
//! [`HealthReport`] prints one line per check.
//!
//! The lesson: `docs/production.md`, section *Health checks*.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use basics::config::{self, ConfigError};
use basics::task::PanicPayload;
use futures::FutureExt as _;
use futures::future::BoxFuture;
use tokio::time::Instant;

// ANCHOR: health
/// How healthy a service (or one check) is, from worst to best: `Unhealthy < Degraded <
/// Healthy`, so the aggregate is the minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Health {
    /// A required check failed: take the instance out of rotation.
    Unhealthy,
    /// Only optional checks failed: serve, with less.
    Degraded,
    /// Every check passed.
    Healthy,
}
// ANCHOR_END: health

impl Health {
    /// The HTTP status a health endpoint answers with: 200 for `Healthy` and `Degraded`
    /// (still serving), 503 for `Unhealthy`.
    pub fn status_code(self) -> u16 {
        match self {
            Health::Healthy | Health::Degraded => 200,
            Health::Unhealthy => 503,
        }
    }
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Health::Unhealthy => "unhealthy",
            Health::Degraded => "degraded",
            Health::Healthy => "healthy",
        })
    }
}

/// How one check ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// The check passed.
    Passed,
    /// The check returned an error (its message).
    Failed(String),
    /// The check did not answer within the timeout and was dropped.
    TimedOut,
    /// The check panicked (its message); the panic was caught.
    Panicked(String),
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// The check's name.
    pub name: &'static str,
    /// Whether its failure makes the service unhealthy (`true`) or degraded (`false`).
    pub required: bool,
    /// How it ended.
    pub outcome: CheckOutcome,
    /// How long it took, on tokio's clock: the timeout itself for a check that timed out.
    pub elapsed: Duration,
}

impl CheckResult {
    /// What this check alone says about the service.
    pub fn health(&self) -> Health {
        match (&self.outcome, self.required) {
            (CheckOutcome::Passed, _) => Health::Healthy,
            (_, true) => Health::Unhealthy,
            (_, false) => Health::Degraded,
        }
    }
}

// ANCHOR: report
/// The aggregate and one result per check, in the order the checks were added.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "the report says whether the service is healthy"]
pub struct HealthReport {
    /// The worst health of any check (`Healthy` when there are no checks).
    pub status: Health,
    /// One result per check.
    pub checks: Vec<CheckResult>,
}
// ANCHOR_END: report

/// The verbose report: the aggregate, then one line per check.
///
/// ```text
/// unhealthy
///   db        required  passed     0.02 s
///   cache     required  timed out  0.50 s
/// ```
impl fmt::Display for HealthReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        let width = self
            .checks
            .iter()
            .map(|check| check.name.len())
            .max()
            .unwrap_or(0);
        for check in &self.checks {
            let (outcome, detail) = match &check.outcome {
                CheckOutcome::Passed => ("passed", String::new()),
                CheckOutcome::Failed(message) => ("failed", format!(": {message}")),
                CheckOutcome::TimedOut => ("timed out", String::new()),
                CheckOutcome::Panicked(message) => ("panicked", format!(": {message}")),
            };
            write!(
                f,
                "\n  {:width$}  {:8}  {:9}  {:.2} s{detail}",
                check.name,
                if check.required {
                    "required"
                } else {
                    "optional"
                },
                outcome,
                // To 10 ms: a check's time on the real clock is a millisecond or two over its
                // sleeps and timeouts, and the report reads the same on both clocks.
                check.elapsed.as_secs_f64(),
            )?;
        }
        Ok(())
    }
}

type CheckFn = Arc<dyn Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

#[derive(Clone)]
struct Check {
    name: &'static str,
    required: bool,
    run: CheckFn,
}

// ANCHOR: health_checks
/// A set of named component checks, each run under the same per-check timeout.
///
/// Cheap to clone (the checks are shared), so the health endpoint's handler can hold one.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use production::{Health, HealthChecks};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let checks = HealthChecks::new(Duration::from_millis(500))?
///     .required("db", || async { Ok::<_, String>(()) })
///     .optional("upstream", || async { Err::<(), _>("connection refused") });
/// let report = checks.check().await;
/// assert_eq!(report.status, Health::Degraded);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct HealthChecks {
    timeout: Duration,
    checks: Vec<Check>,
}
// ANCHOR_END: health_checks

impl fmt::Debug for HealthChecks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.checks.iter().map(|check| check.name).collect();
        f.debug_struct("HealthChecks")
            .field("timeout", &self.timeout)
            .field("checks", &names)
            .finish()
    }
}

impl HealthChecks {
    /// No checks yet; each check added later gets `timeout`. With no checks at all,
    /// [`check`](HealthChecks::check) answers `Healthy` with an empty list.
    ///
    /// # Errors
    /// [`ConfigError::Zero`] for a zero timeout, [`ConfigError::TooLong`] past
    /// [`config::MAX_DURATION`].
    pub fn new(timeout: Duration) -> Result<HealthChecks, ConfigError> {
        Ok(HealthChecks {
            timeout: config::duration("timeout", timeout)?,
            checks: Vec::new(),
        })
    }

    /// Adds a check whose failure makes the service [`Health::Unhealthy`].
    #[must_use = "the builder is returned, not changed in place"]
    pub fn required<F, Fut, E>(self, name: &'static str, check: F) -> HealthChecks
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: fmt::Display,
    {
        self.add(name, true, check)
    }

    /// Adds a check whose failure makes the service only [`Health::Degraded`].
    #[must_use = "the builder is returned, not changed in place"]
    pub fn optional<F, Fut, E>(self, name: &'static str, check: F) -> HealthChecks
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: fmt::Display,
    {
        self.add(name, false, check)
    }

    fn add<F, Fut, E>(mut self, name: &'static str, required: bool, check: F) -> HealthChecks
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: fmt::Display,
    {
        let run: CheckFn = Arc::new(move || {
            let pending = check();
            async move { pending.await.map_err(|error| error.to_string()) }.boxed()
        });
        self.checks.push(Check {
            name,
            required,
            run,
        });
        self
    }

    // ANCHOR: check
    /// Runs every check concurrently on the current task, each under the timeout, and
    /// aggregates: the worst health of any check.
    ///
    /// A check that times out is dropped and counts as failed, with the timeout as its
    /// elapsed time; one that panics counts as failed with its message. The whole call takes
    /// as long as the slowest check, at most the timeout.
    ///
    /// # Cancel safety
    /// Dropping the future drops every check still running; nothing else is lost.
    pub async fn check(&self) -> HealthReport {
        let runs = self.checks.iter().map(|check| async move {
            let start = Instant::now();
            // The check is called inside the caught future, so a check that panics when called
            // (not only when polled) is caught too.
            // ANCHOR: health_checks_key
            let running = AssertUnwindSafe(async { (check.run)().await }).catch_unwind();
            let outcome = match tokio::time::timeout(self.timeout, running).await {
                Ok(Ok(Ok(()))) => CheckOutcome::Passed,
                Ok(Ok(Err(message))) => CheckOutcome::Failed(message),
                Ok(Err(payload)) => CheckOutcome::Panicked(PanicPayload::new(payload).to_string()),
                Err(_elapsed) => CheckOutcome::TimedOut,
            };
            // ANCHOR_END: health_checks_key
            CheckResult {
                name: check.name,
                required: check.required,
                outcome,
                elapsed: start.elapsed(),
            }
        });
        // ANCHOR: health_aggregate_key
        let checks = futures::future::join_all(runs).await;
        let status = checks
            .iter()
            .map(CheckResult::health)
            .min()
            .unwrap_or(Health::Healthy);
        // ANCHOR_END: health_aggregate_key
        HealthReport { status, checks }
    }
    // ANCHOR_END: check
}
