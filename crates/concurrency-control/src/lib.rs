//! Concurrency control for asyncio programmers: bounded fan-out, rate limits, locks, events,
//! conditions, barriers, bulkheads, load shedding, priorities, debouncing, single-flight and
//! batching, in tokio.
//!
//! Each module is one pattern of the catalogue: its docs give the asyncio version, the tokio
//! idiom, the differences that bite and the pitfalls; `cargo run --example <module>` plays its
//! scenario; `docs/concurrency-control.md` reads beside it.
//!
//! Every constructor checks its configuration and refuses a count of 0 or past
//! [`basics::config::MAX_CAPACITY`], and a duration past [`basics::config::MAX_DURATION`] (or
//! zero, where zero has no meaning), with a [`basics::ConfigError`]: never a panic or a hang
//! later. Run-time errors are small and per pattern ([`Rejected`], [`Overloaded`],
//! [`RateLimited`], [`priority::Closed`], [`BatchError`], [`FlightError`]). Handles used from
//! many tasks ([`RateLimiter`], [`Bulkhead`], [`LoadShedder`], [`SingleFlight`], [`Event`],
//! [`Condition`], [`Barrier`], [`PriorityQueue`], [`SharedState`]) are cheap `Clone`s sharing
//! one state.
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

pub use barrier::Barrier;
pub use batches::{in_batches, sliding_window};
pub use bounded_concurrency::BoundedMap;
pub use bulkhead::{Bulkhead, BulkheadConfig, Rejected};
pub use condition::Condition;
pub use debounce::Debouncer;
pub use event::Event;
pub use load_shedding::{LoadShedder, Overloaded};
pub use lock::{AsyncCounter, RacyCounter, SyncCounter};
pub use micro_batching::{BatchError, MicroBatcher, MicroBatcherConfig};
pub use priority::PriorityQueue;
pub use rate_limiter::{RateLimited, RateLimiter};
pub use read_write_lock::SharedState;
pub use single_flight::{FlightError, SingleFlight};
