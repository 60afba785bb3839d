//! Streams for asyncio programmers: async generators, pagination, hand-written streams,
//! combinators, concurrent map, merging, chunking, throttling and streaming I/O.
//!
//! An asyncio async iterator (`async for`) is a Rust [`Stream`](futures::Stream): a value you poll
//! for the next item, lazily, one `.await` at a time, ended by `None` and cancelled by a drop.
//! Each module is one pattern of the catalogue: its docs give the asyncio version, the tokio
//! idiom, the differences that bite and the pitfalls; `cargo run --example <module>` plays its
//! scenario; `docs/streams.md` reads beside it.
//!
//! Bad input (a concurrency limit, chunk size, rate, timeout or capacity of 0) is a typed error
//! from the function that builds the stream, never a panic or a stream that hangs.
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
pub use chunking::{ChunkError, chunks, chunks_timeout};
pub use combinators::{even_squares, sum_of_first, then_each};
pub use concurrent_map::{ZeroLimit, map_ordered, map_spawned, map_unordered};
pub use merge::{merge_all, tagged};
pub use pagination::{Page, pages, paginate};
pub use stream_impl::Paced;
pub use streaming_io::{ZeroCapacity, body_chunks, copy_body};
pub use throttle::{Stalled, ThrottleError, throttle, until_stalled};
