//! Tokio for asyncio developers: the few ideas every other crate of this workspace assumes.
//!
//! The chapter is the book's [Primer](../../book/primer.html) page (`docs/primer.md`, rendered
//! into `target/book` by `cargo xtask book`); read it first, the other pages build on it. Each
//! module backs one of its sections with code that compiles and an example that plays the claim
//! (`cargo run -p primer --example NAME`):
//!
//! - [`futures_and_tasks`]: a coroutine is a future, lazy until awaited; an asyncio `Task` is a
//!   spawned task, and only `tokio::spawn` makes one.
//! - [`polling`]: a future by hand, [`Gate`]: polled, it stores the waker and says
//!   `Pending`; woken, it is polled again.
//! - [`send_static`]: why `tokio::spawn` asks for `Send + 'static`, the two compiler errors and
//!   their three fixes.
//! - [`pinning`]: `tokio::pin!` for a future that `select!` polls on every turn of a loop, and for
//!   a stream read with `next()`.
//! - [`select_cancellation`]: `select!` drops the branch that lost; a drop is the cancellation.
//! - [`runtimes`]: the current-thread and multi-thread flavors, and `yield_now` (`sleep(0)`).
//! - [`timer_grid`]: tokio's timers fire on a 1 ms grid; sleeps in a loop drift, an interval does
//!   not.
//! - [`task_references`]: where asyncio's "keep a reference to your task" hazard goes.
//!
//! Libraries never print: every demonstration reports through a [`Note`], which the examples
//! turn into transcript lines and the tests collect.
#![warn(missing_docs)]

pub mod futures_and_tasks;
pub mod pinning;
pub mod polling;
pub mod runtimes;
pub mod select_cancellation;
pub mod send_static;
pub mod task_references;
pub mod timer_grid;

pub use polling::{Gate, Wait};
pub use select_cancellation::DropNote;
pub use task_references::Leftover;

/// Where a demonstration reports what happens, one line at a time: an example passes a closure
/// that writes a transcript line, a test one that keeps the lines.
///
/// Any `Fn(String) + Clone + Send + Sync + 'static` is a `Note`; it is `Send + 'static` so that a
/// spawned task can take a clone (see [`send_static`] for why `tokio::spawn` needs that).
pub trait Note: Fn(String) + Clone + Send + Sync + 'static {}

impl<T: Fn(String) + Clone + Send + Sync + 'static> Note for T {}
