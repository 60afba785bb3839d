//! Production patterns for asyncio programmers: what a service needs around its business logic.
//!
//! Each module is one pattern: a small, tested implementation built on tokio's parts
//! (`tokio::signal`, tokio-util's `CancellationToken` and `TaskTracker`, `interval`, `watch`),
//! played by `cargo run -p production --example <module>`:
//!
//! - [`graceful_shutdown`]: on SIGINT or SIGTERM, readiness off, stop accepting, drain under a
//!   deadline, abort and count the stragglers; a second signal forces the exit ([`Shutdown`]).
//! - [`lifespan`]: start resources in order, tear them down in reverse, roll back a failed
//!   start ([`Lifespan`]).
//! - [`health_checks`]: every check at once, each under its own timeout, the worst result and
//!   one line per check ([`HealthChecks`]).
//! - [`probes`]: liveness, startup and readiness answered from one phase ([`Probes`]).
//! - [`periodic_task`]: a job every period with an explicit missed-tick behaviour, each run
//!   isolated and bounded, a prompt stop ([`PeriodicTask`]).
//! - [`supervision`]: restart a failed task with capped, jittered backoff, give up after too
//!   many restarts in a window ([`Supervised`]).
//!
//! [`conformance`] drives a whole service through a scripted lifecycle (signals, requests,
//! long-lived connections, probe polls) on tokio's paused clock and records what happened, so a
//! shutdown sequence can be asserted.
//!
//! The book page is `docs/production.md`: each module's lesson (the asyncio version, the
//! differences that bite, the pitfalls, what to use in production) is its section there, with a
//! section on observability and the conformance scenarios compared with other projects.
#![warn(missing_docs)]

pub mod conformance;
pub mod graceful_shutdown;
pub mod health_checks;
pub mod lifespan;
pub mod periodic_task;
pub mod probes;
pub mod supervision;

// Each pattern's types at the crate root (`production::Shutdown`), one `use` per module.
pub use graceful_shutdown::{
    Closed, Shutdown, ShutdownReport, Signal, Signals, Stopped, scripted_signals,
    serve_until_stopped, signals,
};
pub use health_checks::{CheckOutcome, CheckResult, Health, HealthChecks, HealthReport};
pub use lifespan::{BoxError, Lifespan, StartFailed, StepError, TeardownFailed};
pub use periodic_task::{PeriodicConfig, PeriodicReport, PeriodicTask, RunError};
pub use probes::{Phase, ProbeFailed, Probes};
pub use supervision::{
    Backoff, ChildState, Exit, Failure, PanicPolicy, Supervised, SupervisorConfig,
};
