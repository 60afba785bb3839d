//! Concurrency control for asyncio programmers: bounded fan-out, rate limits, locks, events,
//! conditions, barriers, bulkheads, load shedding, priorities, debouncing, single-flight and
//! batching, in tokio.
//!
//! Each module is one pattern of the catalogue: its docs give the asyncio version, the tokio
//! idiom, the differences that bite and the pitfalls; `cargo run --example <module>` plays its
//! scenario; `docs/concurrency-control.md` reads beside it.
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

pub use barrier::{Barrier, BarrierError};
pub use batches::{BatchSizeError, in_batches, sliding_window};
pub use bounded_concurrency::{BoundedMap, LimitError};
pub use bulkhead::{Bulkhead, BulkheadConfig, BulkheadError, Rejected};
pub use condition::Condition;
pub use debounce::Debouncer;
pub use event::Event;
pub use load_shedding::{LoadShedder, Overloaded, ShedderError};
pub use lock::{AsyncCounter, RacyCounter, SyncCounter};
pub use micro_batching::{BatchError, MicroBatcher, MicroBatcherConfig, MicroBatcherError};
pub use priority::{PriorityError, PriorityQueue};
pub use rate_limiter::{RateLimiter, RateLimiterError};
pub use read_write_lock::{MaxReadersError, SharedState};
pub use single_flight::SingleFlight;
