//! The common async mistakes, each reproduced (the wrong version compiles, or a `compile_fail`
//! doctest shows the compiler refusing it), fixed, and matched with what catches it: the
//! compiler, clippy, `cargo xtask lint-async`, or only a test.
//!
//! Each module is one pitfall: its wrong version, its right version, and the scenario its example
//! (`cargo run --example <module>`) and its tests share. `docs/pitfalls.md` reads beside it and
//! opens with the table of every pitfall's symptoms and catchers.
//!
//! The wrong versions are public and documented as wrong on purpose: a test has to call them to
//! show the symptom. Each carries `#[expect(lint, reason = "...")]` where a lint catches it, so
//! clippy complains the day it stops catching it, and a marker comment where `cargo xtask
//! lint-async` flags it.
#![warn(missing_docs)]

pub mod blocking_the_runtime;
pub mod cancellation_ignored;
pub mod client_per_request;
pub mod forgotten_await;
pub mod guard_across_await;
pub mod interval_burst;
pub mod lagged_is_fatal;
pub mod nested_runtime;
pub mod no_reactor;
pub mod race_across_await;
pub mod test_hangs;
pub mod unbounded_fan_out;

pub use blocking_the_runtime::Work;
pub use cancellation_ignored::{Checkout, Exhausted, Pool};
pub use client_per_request::{Client, CountingServer};
pub use forgotten_await::Store;
pub use guard_across_await::Counter;
pub use lagged_is_fatal::Received;
pub use race_across_await::{Account, Insufficient};
pub use test_hangs::{ForgetfulEcho, NoReply};
pub use unbounded_fan_out::BoundedFanOut;
