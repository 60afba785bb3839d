//! Helpers that every crate's examples, tests and benchmarks share.
//!
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
//! This crate is the one place allowed to print: writing transcripts and reports is its job.
//! Pattern crates never print; their examples print through a [`Transcript`].
#![warn(missing_docs)]

pub mod bench;
pub mod clock;
mod example;
pub mod fake_service;
mod panics;
mod runtime;
pub mod timeline;
pub mod transcript;

pub use clock::{ClockMode, ms};
pub use example::run_example;
pub use fake_service::{FakeError, FakeService, Script, Stats, Step};
pub use panics::QuietPanics;
pub use runtime::paused_runtime;
pub use timeline::Timeline;
pub use transcript::{Span, Transcript, format_stamp};
