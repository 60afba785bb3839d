//! Errors, timeouts and cancellation for asyncio programmers: partial failure, fail fast, abort
//! after N failures, error aggregation, timeouts and deadlines, cancellation and cleanup, shield,
//! cancellation safety, retry with backoff, circuit breaker, fallback chains and hedged requests.
//!
//! Each module is one pattern of the catalogue: its docs give the asyncio version, the tokio
//! idiom, the differences that bite and the pitfalls; `cargo run --example <module>` plays its
//! scenario; `docs/errors-timeouts.md` reads beside it. The examples and tests drive a scripted
//! remote, `testing::FakeService`, on tokio's paused clock.
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

pub use abort_after_failures::{AbortReport, ZeroFailureLimit, run_until_failures};
pub use cancellation::{OnDrop, Stopped, on_drop, stop_task};
pub use circuit_breaker::{
    BreakerConfig, BreakerConfigError, BreakerError, BreakerState, CircuitBreaker,
};
pub use deadline::{Deadline, DeadlineError};
pub use error_aggregation::{ErrorGroup, Group, TaskFailure};
pub use fail_fast::fail_fast;
pub use fallback::{FallbackError, Served, fallback};
pub use hedged_request::{Attempt, Hedged, hedge};
pub use partial_failure::{Settled, settle_all};
pub use retry::{Jitter, RetryConfigError, RetryError, RetryPolicy, RetryPolicyBuilder, retry};
pub use shield::{Shield, ShieldError};
pub use timeout::{TimedOut, Timeout, timeout};
