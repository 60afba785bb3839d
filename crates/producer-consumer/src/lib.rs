//! Producer-consumer patterns for asyncio programmers: bounded queues and backpressure, clean
//! completion, a joinable queue that cannot hang, many consumers, worker pools, pipelines,
//! publish/subscribe, actors, and a bridge from threads to async code.
//!
//! Each module is one pattern; `cargo run --example NAME` plays its scenario, and the book page
//! `docs/producer-consumer.md` teaches it (the asyncio version, the differences that bite, the
//! pitfalls, what to use in production):
//!
//! - [`bounded_queue`]: producers wait while the queue is full (backpressure); the stream ends
//!   when every sender is gone.
//! - [`completion`]: producers and consumers that all return once the work is done
//!   ([`run_to_completion`]).
//! - [`joinable_queue`]: asyncio's `task_done` / `join`, with a `join` that cannot hang when a
//!   consumer fails ([`JoinableQueue`]).
//! - [`many_consumers`]: several consumers on one queue, with `async-channel` or a shared `mpsc`
//!   receiver ([`SharedReceiver`]).
//! - [`worker_pool`]: a fixed number of workers, a bound on everything in flight, results in
//!   completion or submission order ([`WorkerPool`]).
//! - [`pipeline`]: stages joined by bounded channels; a failing stage stops the pipeline with its
//!   error ([`Pipeline`]).
//! - [`pub_sub`]: every subscriber sees every message; a slow one is told how many it missed
//!   ([`Publisher`]).
//! - [`actor`]: state owned by one task, reached through messages ([`Counters`]).
//! - [`sync_bridge`]: a `std::thread` feeding async consumers through a bounded queue
//!   ([`spawn_feeder`]).
//!
//! The queue, the worker pool and the bridge are built on `async-channel`, whose receivers clone
//! (a multi-producer, multi-consumer queue); the rest use tokio's own channels.
//!
//! The crate speaks the workspace's one dialect (ARCHITECTURE.md, "The vocabulary"):
//! - every capacity, worker or consumer count is checked by its constructor and refused as a
//!   [`basics::ConfigError`] (`Zero`, or `TooLarge` past `basics::config::MAX_CAPACITY`),
//!   never a panic; where a queue allocates its slots up front, its docs give the cost per slot;
//! - every `channel` function ([`bounded_queue::channel`], [`pipeline::channel`],
//!   [`pub_sub::channel`], [`many_consumers::shared_channel`]) returns
//!   `Result<(sending end, receiving end), ConfigError>`;
//! - a task or thread that gave no output is a [`basics::task::TaskFailed`], wrapped with context
//!   where there is some ([`pipeline::PipelineError::Stage`], [`completion::CompletionError`]);
//! - constructors that start tasks are `spawn` ([`worker_pool::spawn`], [`Counters::spawn`],
//!   [`spawn_feeder`]); `close(&self) -> bool` stops new work at once; the worker pool's
//!   `shutdown(self)` ([`worker_pool::Results::shutdown`]) closes, lets accepted work finish and
//!   returns the outcomes (the actor and the pipeline say in their docs why they stop by a drop
//!   and a `join` instead); handles whose drop stops work are `#[must_use]`.
#![warn(missing_docs)]

pub mod actor;
pub mod bounded_queue;
pub mod completion;
pub mod joinable_queue;
pub mod many_consumers;
pub mod pipeline;
pub mod pub_sub;
pub mod sync_bridge;
pub mod worker_pool;

// The main type or function of each pattern, so callers write `producer_consumer::WorkerPool`.
pub use actor::Counters;
pub use bounded_queue::{Closed, Receiver, Sender};
pub use completion::run_to_completion;
pub use joinable_queue::JoinableQueue;
pub use many_consumers::SharedReceiver;
pub use pipeline::Pipeline;
pub use pub_sub::Publisher;
pub use sync_bridge::spawn_feeder;
pub use worker_pool::WorkerPool;
