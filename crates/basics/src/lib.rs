//! The basics of async Rust for asyncio programmers: entry points, awaiting, gathering, spawning,
//! task groups, races, async resources, blocking work, and calling async from sync code.
//!
//! Each module is one pattern of the catalogue: its docs give the asyncio version, the tokio
//! idiom, the differences that bite and the pitfalls; `cargo run --example <module>` plays its
//! scenario; `docs/basics.md` reads beside it.
#![warn(missing_docs)]

pub mod gather;

pub use gather::{GatherError, gather, spawn_all};
