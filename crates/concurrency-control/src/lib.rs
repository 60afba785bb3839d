//! Concurrency control in tokio, for asyncio programmers: how many things run at once, how fast
//! they start, who may touch shared state, who waits for whom, and what happens to work beyond
//! capacity.
//!
//! One module per pattern, each played by an example (`cargo run --example <module>`):
//! - [`bounded_concurrency`]: at most `n` operations in flight ([`BoundedMap`]).
//! - [`rate_limiter`]: at most `rate` starts per period, with a burst ([`RateLimiter`]).
//! - [`lock`]: a std or a tokio `Mutex` for shared state, and the race across an `.await`.
//! - [`read_write_lock`]: many readers or one writer, in a fair queue ([`SharedState`]).
//! - [`event`]: a latched flag that many tasks wait on ([`Event`]).
//! - [`condition`]: wait for a predicate on shared state, then act on it ([`Condition`]).
//! - [`barrier`]: N tasks meet before the next phase ([`Barrier`]).
//! - [`bulkhead`]: a running limit, a bounded timed waiting room, typed rejections
//!   ([`Bulkhead`]).
//! - [`load_shedding`]: reject at once when saturated ([`LoadShedder`]).
//! - [`priority`]: the most urgent job first ([`PriorityQueue`]).
//! - [`debounce`]: one action, with the latest value, after a quiet period ([`Debouncer`]).
//! - [`single_flight`]: concurrent requests for one key share one fetch ([`SingleFlight`]).
//! - [`batches`]: fixed groups one after another, or a sliding window ([`in_batches`],
//!   [`sliding_window`]).
//! - [`micro_batching`]: single requests gathered into batch calls ([`MicroBatcher`]).
//!
//! The book page, `docs/concurrency-control.md`, teaches each pattern: its transcript, the key
//! code, the asyncio version, the differences that bite, the pitfalls and what to use in
//! production.
//!
//! Every constructor checks its configuration and refuses a count of 0 (where 0 has no meaning)
//! or past [`basics::config::MAX_CAPACITY`], and a duration past
//! [`basics::config::MAX_DURATION`] (or zero, where zero has no meaning), with a
//! [`basics::ConfigError`]: never a panic or a hang later. Run-time errors are small and per
//! pattern ([`Rejected`], [`Overloaded`], [`RateLimited`], [`priority::Closed`], [`BatchError`],
//! [`FlightError`]). Handles used from many tasks ([`RateLimiter`], [`Bulkhead`],
//! [`LoadShedder`], [`SingleFlight`], [`Event`], [`Condition`], [`Barrier`], [`PriorityQueue`],
//! [`SharedState`], [`Debouncer`], [`MicroBatcher`]) are cheap `Clone`s sharing one state.
#![warn(missing_docs)]

pub mod barrier;
pub mod batches;
pub mod bounded_concurrency;
pub mod bulkhead;
pub mod condition;
pub mod debounce;
pub mod event;
pub mod load_shedding;
pub mod lock;
pub mod micro_batching;
pub mod priority;
pub mod rate_limiter;
pub mod read_write_lock;
pub mod single_flight;

// Each pattern's main type, and the errors a caller matches, at the crate root.

// How much runs, how fast, and what is refused.
pub use bounded_concurrency::BoundedMap;
pub use bulkhead::{Bulkhead, BulkheadConfig, Rejected};
pub use load_shedding::{LoadShedder, Overloaded};
pub use priority::PriorityQueue;
pub use rate_limiter::{RateLimited, RateLimiter};

// Shared state and who waits for whom.
pub use barrier::Barrier;
pub use condition::Condition;
pub use event::Event;
pub use lock::{AsyncCounter, RacyCounter, SyncCounter};
pub use read_write_lock::SharedState;

// Work deduplicated, delayed or grouped.
pub use batches::{in_batches, sliding_window};
pub use debounce::Debouncer;
pub use micro_batching::{BatchError, MicroBatcher, MicroBatcherConfig};
pub use single_flight::{FlightError, SingleFlight};
