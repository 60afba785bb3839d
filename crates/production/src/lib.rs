//! Production patterns for asyncio programmers: graceful shutdown, lifespan, health checks,
//! probes, periodic tasks and supervision, checked by a shutdown conformance harness.
//!
//! Each module is one pattern of the catalogue: a small, tested implementation built on
//! tokio's parts (`tokio::signal`, tokio-util's `CancellationToken` and `TaskTracker`,
//! `interval`, `watch`); `cargo run --example <module>` plays its scenario and
//! `docs/production.md` tells the story beside it. [`conformance`] drives a whole service
//! through a scripted lifecycle (signals, requests, long-lived connections, probe polls) on
//! tokio's paused clock and records what happened, so a shutdown sequence can be asserted.
#![warn(missing_docs)]

pub mod conformance;
pub mod graceful_shutdown;
pub mod health_checks;
pub mod lifespan;
pub mod periodic_task;
pub mod probes;
pub mod supervision;

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
