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
//! The lessons, one module each, with the code their tests and examples share:
//! - [`async_test`]: what `#[tokio::test]` builds, and what each runtime flavor allows.
//! - [`timeouts_in_tests`]: timeouts on the paused clock, exact and instant, and its traps.
//! - [`concurrency_in_tests`]: asserting overlap with the virtual time and an [`InFlight`]
//!   witness.
//! - [`mocks`]: a byte script, a scripted fake, and `mockall`, each for what the others cannot do.
//! - [`fixtures`]: a server per test on 127.0.0.1:0, [`TestApp`], with an async teardown.
//! - [`cancellation_tests`]: dropping a future at a chosen `.await`, or at every one.
//! - [`polling_by_hand`]: one `poll` at a time, checking the wake-ups ([`Latch`]).
//! - [`properties`]: proptest schedules played on a paused runtime, and shrinking.
//! - [`hanging_tests`]: a named time [`Budget`] around every wait that can hang.
//! - [`network_simulation`]: a retrying client across a partition and a restart, in turmoil.
//!
//! The book page is `docs/testing.md`: each lesson is its section there, and the page ends with
//! the stall monitor and a comparison with tokio's testing topic, axum, turmoil and
//! tokio-metrics.
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

// The helpers every crate's examples, tests and benchmarks use.
pub use clock::{ClockMode, ms};
pub use example::run_example;
pub use fake_service::{FakeError, FakeService, Script, Stats, Step};
pub use panics::QuietPanics;
pub use runtime::paused_runtime;
pub use timeline::Timeline;
pub use transcript::{Span, Transcript, format_stamp};

// The two tools.
pub use cancellation_tests::{
    CancelFailure, CancelHarness, CancelPoint, CancelReport, cancel_at_every_await,
};
pub use stall_monitor::{Stall, StallConfig, StallMonitor};

// The lessons' main types.
pub use cancellation_tests::Bank;
pub use concurrency_in_tests::InFlight;
pub use fixtures::TestApp;
pub use hanging_tests::{Budget, Hung};
pub use polling_by_hand::Latch;
