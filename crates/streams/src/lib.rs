//! Streams for asyncio programmers: what `async for` over an async iterator becomes in tokio.
//!
//! An asyncio async iterator is a Rust [`Stream`](futures::Stream): a value you poll for the next
//! item, lazily, one `.await` at a time, ended by `None` and cancelled by a drop. One module per
//! pattern, each played by `cargo run -p streams --example <module>`:
//!
//! - [`async_generator`]: `async def` + `yield` as `stream!` or `unfold`.
//! - [`pagination`]: a cursor-paged API as one stream of items, a failed page as an `Err` item.
//! - [`stream_impl`]: `__anext__` written as `Stream::poll_next`, by hand.
//! - [`combinators`]: async comprehensions as `filter`, `map`, `take`, `fold` and `then`.
//! - [`concurrent_map`]: a step over every item with at most N in flight, ordered or not, and the
//!   stall of `buffered` under a busy consumer.
//! - [`merge`]: several sources read as one, plain or keyed.
//! - [`chunking`]: batches by size, or by size or time.
//! - [`throttle`](mod@throttle): a cap on the rate, and giving up on a source that stalls.
//! - [`streaming_io`]: a large body in pieces, between `AsyncRead` and `Stream`.
//!
//! The book page is `docs/streams.md`: each module's lesson (the asyncio version, the
//! differences that bite, the pitfalls, what to use in production) is its section there.
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

// Each module's functions and types at the crate root, grouped by role, so callers write
// `streams::numbers` and `streams::map_spawned`.
// Sources: generators, pages, a hand-written stream.
pub use async_generator::{numbers, numbers_unfold};
pub use pagination::{Page, pages, paginate};
pub use stream_impl::Paced;
// Adapters over a stream.
pub use chunking::{chunks, chunks_timeout};
pub use combinators::{even_squares, sum_of_first, then_each};
pub use concurrent_map::{map_ordered, map_spawned, map_unordered};
pub use merge::{merge_all, tagged};
pub use throttle::{MAX_RATE, Stalled, throttle, until_stalled};
// Between byte I/O and streams.
pub use streaming_io::{body_chunks, copy_body};
