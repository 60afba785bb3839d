//! Errors, timeouts and cancellation for asyncio programmers: what to do when some of many calls
//! fail, a call takes too long, a caller gives up, or a service is down. asyncio answers with
//! exceptions, `wait_for`, `CancelledError` and `shield`; tokio answers with `Result` values,
//! timers on its own clock, and cancellation as a drop.
//!
//! Each module is one pattern; `cargo run --example NAME` plays its scenario (the examples and
//! tests drive a scripted remote, `testing::FakeService`, on tokio's paused clock), and the book
//! page `docs/errors-timeouts.md` teaches it (the asyncio version, the differences that bite, the
//! pitfalls, what to use in production):
//!
//! - [`partial_failure`]: run every item, keep every outcome; [`settle_all`] reports successes
//!   and failures apart.
//! - [`fail_fast`](mod@fail_fast): the first error cancels the rest ([`fail_fast()`]).
//! - [`abort_after_failures`]: tolerate failures up to a limit, then cancel what still runs and
//!   wait until it has stopped ([`run_until_failures`]).
//! - [`error_aggregation`]: spawned tasks' errors, panics and cancellations told apart and
//!   collected in input order ([`join_classified`]).
//! - [`timeout`](mod@timeout): one call under a time limit ([`timeout()`]).
//! - [`deadline`]: one budget shared by every step of a request ([`Deadline`]).
//! - [`cancellation`]: cooperative stops, drop guards, and abort + await ([`stop_task`]).
//! - [`shield`]: work that must finish even when its caller is cancelled ([`Shield`]).
//! - [`cancel_safety`]: what a `select!` loop loses when a branch is dropped, four lossy and
//!   lossless pairs.
//! - [`retry`](mod@retry): exponential backoff with seeded jitter, a predicate and a budget
//!   ([`retry()`]).
//! - [`circuit_breaker`]: stop calling a service that is down, probe it later
//!   ([`CircuitBreaker`]).
//! - [`fallback`](mod@fallback): try sources in order until one answers ([`fallback()`]).
//! - [`hedged_request`]: send a second request when the first is slow, keep the first success
//!   ([`hedge`]).
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

// The main types and functions of each pattern, so callers write `errors_timeouts::retry(..)`.
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
