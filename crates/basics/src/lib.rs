//! The basics of async Rust for asyncio programmers: entry points, awaiting, gathering, spawning,
//! task groups, races, async resources, blocking work, and calling async from sync code.
//!
//! Each module is one pattern; `cargo run --example NAME` plays its scenario, and the book page
//! `docs/basics.md` teaches it (the asyncio version, the differences that bite, the pitfalls,
//! what to use in production):
//!
//! - [`hello`]: the entry point, `#[tokio::main]` written out as [`hello::run`].
//! - [`sequential_await`]: `.await` one after another, and futures that do nothing until awaited.
//! - [`gather`](mod@gather): wait for many futures at once, outputs in input order.
//! - [`spawn_and_await`]: start a task now, await its handle later; [`OwnedTask`] aborts on drop.
//! - [`task_group`]: tasks that succeed or fail as one; the first failure cancels the rest.
//! - [`background_registry`]: long-lived jobs owned in one place and stopped by a deadline.
//! - [`race`]: the first *successful* answer of several, the losers cancelled.
//! - [`as_completed`](mod@as_completed): each result as soon as it is ready.
//! - [`context_manager`]: a resource with an async close, closed on every path.
//! - [`blocking_work`]: blocking calls on other threads, never on a runtime thread.
//! - [`sync_calling_async`]: a synchronous caller that needs an async result.
//!
//! Two modules hold the types every crate of the workspace shares: [`config`] (bad configuration
//! is one [`ConfigError`], returned by the constructor) and [`task`] (a task that gave no output
//! is a [`TaskFailed`]; [`IndexedJoinSet`] maps tasks back to their inputs).
#![warn(missing_docs)]

pub mod as_completed;
pub mod background_registry;
pub mod blocking_work;
pub mod config;
pub mod context_manager;
pub mod gather;
pub mod hello;
pub mod race;
pub mod sequential_await;
pub mod spawn_and_await;
pub mod sync_calling_async;
pub mod task;
pub mod task_group;

// The main types and functions of each pattern, so callers write `basics::gather(..)`.
pub use as_completed::{AsCompleted, as_completed, spawn_as_completed};
pub use background_registry::{BackgroundRegistry, ShutdownReport};
pub use blocking_work::{
    BlockingPool, BlockingPoolConfig, BlockingPoolError, BlockingPoolSpawnError,
};
pub use context_manager::{Connection, ConnectionError, Database, with_connection};
pub use gather::{gather, spawn_all};
pub use hello::{Flavor, RuntimeError};
pub use race::{RaceError, Winner, first_ok, spawn_first_ok};
pub use sequential_await::{sequential, timed};
pub use spawn_and_await::OwnedTask;
pub use sync_calling_async::{AsyncBridge, AsyncBridgeError, BlockOnError, BridgeHandle, block_on};
pub use task_group::{TaskGroup, TaskGroupError};

// The shared vocabulary of the workspace (ARCHITECTURE.md, "The vocabulary").
pub use config::ConfigError;
pub use task::{IndexedJoinSet, PanicPayload, TaskFailed};
