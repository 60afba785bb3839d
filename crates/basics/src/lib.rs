//! The basics of async Rust for asyncio programmers: entry points, awaiting, gathering, spawning,
//! task groups, races, async resources, blocking work, and calling async from sync code.
//!
//! Each module is one pattern of the catalogue: its docs give the asyncio version, the tokio
//! idiom, the differences that bite and the pitfalls; `cargo run --example <module>` plays its
//! scenario; `docs/basics.md` reads beside it.
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

pub use as_completed::{AsCompleted, as_completed, spawn_as_completed};
pub use background_registry::{BackgroundRegistry, ShutdownReport};
pub use blocking_work::{
    BlockingPool, BlockingPoolConfig, BlockingPoolError, BlockingPoolSpawnError,
};
pub use config::ConfigError;
pub use context_manager::{Connection, ConnectionError, Database, with_connection};
pub use gather::{gather, spawn_all};
pub use hello::{Flavor, RuntimeError};
pub use race::{RaceError, Winner, first_ok, spawn_first_ok};
pub use sequential_await::{sequential, timed};
pub use spawn_and_await::OwnedTask;
pub use sync_calling_async::{AsyncBridge, AsyncBridgeError, BlockOnError, BridgeHandle, block_on};
pub use task::{IndexedJoinSet, PanicPayload, TaskFailed};
pub use task_group::{TaskGroup, TaskGroupError};
