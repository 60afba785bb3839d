//! The common async mistakes, each reproduced (the wrong version compiles, or a `compile_fail`
//! doctest shows the compiler refusing it), fixed, and matched with what catches it: the
//! compiler, clippy, `cargo xtask lint-async`, or only a test.
//!
//! One module per pitfall, with its wrong version, its right version, and the scenario its
//! example (`cargo run -p pitfalls --example <module>`) and its tests share:
//!
//! - [`forgotten_await`]: a future never awaited never runs; a dropped `JoinHandle` detaches.
//! - [`blocking_the_runtime`]: a blocking call holds its worker thread; `spawn_blocking`,
//!   `block_in_place`, `tokio::fs`.
//! - [`guard_across_await`]: a std `MutexGuard` held across `.await` deadlocks one thread.
//! - [`cancellation_ignored`]: cleanup after an `.await` is skipped by a drop; a `Drop` guard.
//! - [`unbounded_fan_out`]: one task per item, all at once; at most `limit` in flight.
//! - [`client_per_request`]: a connection per request; one client, reused.
//! - [`nested_runtime`]: `block_on` inside a runtime panics; three fixes.
//! - [`no_reactor`]: a tokio API without its runtime or driver panics; `enable_all`,
//!   `Handle::enter`.
//! - [`race_across_await`]: check, `.await`, act on a stale check; one critical section.
//! - [`lagged_is_fatal`]: `while let Ok(..)` on a `broadcast` receiver leaves at `Lagged`.
//! - [`interval_burst`]: missed interval ticks fire at once after a stall; `Delay` or `Skip`.
//! - [`test_hangs`]: a test waiting for what never comes; a named time budget.
//!
//! The book page is `docs/pitfalls.md`: it opens with the table of every pitfall's symptoms in
//! Python and Rust and what catches each, and each module's lesson is its section there.
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

// The scenarios' main types, also at the crate root (`pitfalls::Pool`).
pub use blocking_the_runtime::Work;
pub use cancellation_ignored::{Checkout, Exhausted, Pool};
pub use client_per_request::{Client, CountingServer};
pub use forgotten_await::Store;
pub use guard_across_await::Counter;
pub use lagged_is_fatal::Received;
pub use race_across_await::{Account, Insufficient};
pub use test_hangs::{ForgetfulEcho, NoReply};
pub use unbounded_fan_out::BoundedFanOut;
