//! Streams for asyncio programmers: async generators, pagination, hand-written streams,
//! combinators, concurrent map, merging, chunking, throttling and streaming I/O.
//!
//! An asyncio async iterator (`async for`) is a Rust [`Stream`](futures::Stream): a value you poll
//! for the next item, lazily, one `.await` at a time, ended by `None` and cancelled by a drop.
//! Each module is one pattern of the catalogue: its docs give the asyncio version, the tokio
//! idiom, the differences that bite and the pitfalls; `cargo run --example <module>` plays its
//! scenario; `docs/streams.md` reads beside it.
//!
//! Bad configuration (a concurrency limit, chunk size, rate or capacity of 0 or past its maximum,
//! a period or timeout of 0 or past [`MAX_DURATION`](basics::config::MAX_DURATION)) is a
//! [`basics::ConfigError`] from the function that builds the stream, never a panic or a stream
//! that hangs. Past construction the crate's own code does not panic either: squares and sums
//! are computed in types they fit in, and every deadline is at most `MAX_DURATION` ahead. The
//! panics left are tokio's, when a stream that sleeps or spawns is used outside a tokio runtime,
//! and the caller's own, from a step closure or a source stream, which reach the caller as they
//! are (except in [`map_spawned`], where a step's future that panics in its task becomes an
//! `Err(`[`basics::TaskFailed`]`)` item; the step closure itself runs on the consumer's task).
#![warn(missing_docs)]

pub mod async_generator;
pub mod chunking;
pub mod combinators;
pub mod concurrent_map;
pub mod merge;
pub mod pagination;
pub mod stream_impl;
pub mod streaming_io;
pub mod throttle;

pub use async_generator::{numbers, numbers_unfold};
pub use chunking::{chunks, chunks_timeout};
pub use combinators::{even_squares, sum_of_first, then_each};
pub use concurrent_map::{map_ordered, map_spawned, map_unordered};
pub use merge::{merge_all, tagged};
pub use pagination::{Page, pages, paginate};
pub use stream_impl::Paced;
pub use streaming_io::{body_chunks, copy_body};
pub use throttle::{MAX_RATE, Stalled, throttle, until_stalled};
