//! Helpers that every crate's examples, tests and benchmarks share, and the lessons on testing
//! async Rust.
//!
//! The helpers:
//! - [`Transcript`]: lines stamped with elapsed time on tokio's clock (`[+0.500s] fetched 5 users`),
//!   printed to stdout by examples or kept in memory by tests.
//! - [`run_example`]: the runtime every example's `main` runs on.
//! - [`clock`]: the switch between real time (a person running `cargo run --example NAME`) and
//!   tokio's paused clock (the xtask running the same example against its golden transcript).
//! - [`Timeline`]: an ASCII picture of who ran when, cut from the spans a transcript recorded.
//! - [`FakeService`]: a scripted remote whose latency and failures follow a script, on tokio's
//!   clock ("fail 3 times, then take 2 s, then succeed").
//! - [`paused_runtime`]: the paused runtime a property test builds inside each case;
//!   [`QuietPanics`]: silences the message of a panic caused on purpose; [`ms`]: milliseconds.
//! - [`bench`](mod@bench): timing, memory and ratio reports for `cargo xtask bench`.
//!
//! The two tools:
//! - [`cancel_at_every_await`]: drops a future at each of its `.await`s in turn and checks an
//!   invariant after each drop.
//! - [`StallMonitor`]: reports a blocked runtime (a slow poll of a named task, a busy worker, a
//!   starved runtime), measured on the real clock.
//!
//! The lessons, one module each (the narrative is in `docs/testing.md`): [`async_test`],
//! [`timeouts_in_tests`], [`concurrency_in_tests`], [`mocks`], [`fixtures`],
//! [`cancellation_tests`], [`polling_by_hand`], [`properties`], [`hanging_tests`],
//! [`network_simulation`].
//!
//! This crate is the one place allowed to print: writing transcripts and reports is its job.
//! Pattern crates never print; their examples print through a [`Transcript`].
#![warn(missing_docs)]

pub mod async_test;
pub mod bench;
pub mod cancellation_tests;
pub mod clock;
pub mod concurrency_in_tests;
mod example;
pub mod fake_service;
pub mod fixtures;
pub mod hanging_tests;
pub mod mocks;
pub mod network_simulation;
mod panics;
pub mod polling_by_hand;
pub mod properties;
mod runtime;
pub mod stall_monitor;
pub mod timeline;
pub mod timeouts_in_tests;
pub mod transcript;

pub use cancellation_tests::{
    Bank, CancelFailure, CancelHarness, CancelPoint, CancelReport, cancel_at_every_await,
};
pub use clock::{ClockMode, ms};
pub use concurrency_in_tests::InFlight;
pub use example::run_example;
pub use fake_service::{FakeError, FakeService, Script, Stats, Step};
pub use fixtures::TestApp;
pub use hanging_tests::{Budget, Hung};
pub use panics::QuietPanics;
pub use polling_by_hand::Latch;
pub use runtime::paused_runtime;
pub use stall_monitor::{Stall, StallConfig, StallMonitor};
pub use timeline::Timeline;
pub use transcript::{Span, Transcript, format_stamp};
