//! Errors, timeouts and cancellation for asyncio programmers: partial failure, fail fast, abort
//! after N failures, error aggregation, timeouts and deadlines, cancellation and cleanup, shield,
//! cancellation safety, retry with backoff, circuit breaker, fallback chains and hedged requests.
//!
//! Each module is one pattern of the catalogue: its docs give the asyncio version, the tokio
//! idiom, the differences that bite and the pitfalls; `cargo run --example <module>` plays its
//! scenario; `docs/errors-timeouts.md` reads beside it. The examples and tests drive a scripted
//! remote, `testing::FakeService`, on tokio's paused clock.
//!
//! The crate speaks the workspace's vocabulary (`ARCHITECTURE.md`): bad configuration (a zero
//! count, a duration of zero where one is needed or past 365 days, an empty fallback chain) is a
//! [`basics::ConfigError`] from the constructor or function that was given it, never a panic
//! or a hang; a task that gave no output is a [`basics::TaskFailed`]; run-time errors are small
//! and per pattern ([`TimedOut`], [`DeadlineError`], [`BreakerError`], [`RetryError`],
//! [`AllFailed`]).
#![warn(missing_docs)]

pub mod abort_after_failures;
pub mod cancel_safety;
pub mod cancellation;
pub mod circuit_breaker;
pub mod deadline;
pub mod error_aggregation;
pub mod fail_fast;
pub mod fallback;
pub mod hedged_request;
pub mod partial_failure;
pub mod retry;
pub mod shield;
pub mod timeout;

pub use abort_after_failures::{AbortReport, run_until_failures};
pub use cancellation::{OnDrop, on_drop, stop_task};
pub use circuit_breaker::{BreakerConfig, BreakerError, BreakerState, CircuitBreaker};
pub use deadline::{Deadline, DeadlineError};
pub use error_aggregation::{ErrorGroup, Failure, join_classified};
pub use fail_fast::fail_fast;
pub use fallback::{AllFailed, Served, fallback};
pub use hedged_request::{Attempt, Hedged, hedge};
pub use partial_failure::{Settled, settle_all};
pub use retry::{Jitter, RetryError, RetryPolicy, RetryPolicyBuilder, retry};
pub use shield::Shield;
pub use timeout::{TimedOut, Timeout, timeout};
