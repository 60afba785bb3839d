//! Real-world applications on real parts: a scraper, a database app, a WebSocket chat, an HTTP
//! service and a file processor. Each module holds one application's server and client side;
//! `examples/NAME.rs` runs its scenario and `tests/NAME.rs` proves its properties.
//!
//! These run on the real clock, never on tokio's paused one: real sockets under a paused clock
//! see timeouts fire while the kernel is still delivering bytes (tokio issue 8232). So
//! [`run_real_time`] builds its own runtime and ignores `TRANSCRIPT_CLOCK`, and every scenario
//! prints counts and outcomes, never durations, which keeps its transcript the same on every run.
//! The narrative is `docs/real-world.md`.

pub mod chat;
pub mod database;
pub mod file_processor;
pub mod http_service;
pub mod scraper;
pub mod support;

pub use support::{Gauge, run_real_time};
