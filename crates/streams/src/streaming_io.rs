//! Streaming I/O: read a large body in pieces, holding one piece at a time, and turn a stream of
//! pieces back into a reader.
//!
//! tokio-util bridges the two worlds:
//! - [`body_chunks`]: a [`ReaderStream`], any `AsyncRead` (a socket, a file, a `duplex` pipe) as
//!   a `Stream` of [`Bytes`](bytes::Bytes) pieces of at most `capacity` bytes;
//! - [`copy_body`]: a [`StreamReader`], a `Stream` of byte pieces (an HTTP client's body) as an
//!   `AsyncBufRead`, copied into any `AsyncWrite` with `tokio::io::copy_buf`.
//!
//! The lesson: `docs/streams.md`, section *Streaming I/O*.

use std::io;
use std::pin::pin;

use basics::config::{self, ConfigError};
use bytes::Buf;
use futures::Stream;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::io::{ReaderStream, StreamReader};

// ANCHOR: body_chunks
/// Reads `reader` as a stream of pieces of at most `capacity` bytes, each read when the consumer
/// asks for the next one. An I/O error is yielded as an `Err` item and ends the stream.
///
/// The stream reads into a buffer of `capacity` bytes, allocated when the stream is built.
///
/// # Errors
/// [`ConfigError::Zero`] when `capacity` is 0 (`ReaderStream` would silently read 64-byte
/// pieces, its buffer's smallest growth step), [`ConfigError::TooLarge`] past
/// [`MAX_CAPACITY`](basics::config::MAX_CAPACITY) bytes (1 MiB).
///
/// # Examples
/// ```
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let body: &[u8] = b"a body of 32 bytes, 10 at a time";
/// let sizes: Vec<usize> = streams::body_chunks(body, 10)?
///     .map(|piece| piece.map_or(0, |piece| piece.len()))
///     .collect()
///     .await;
/// assert_eq!(sizes, [10, 10, 10, 2]);
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the stream drops the reader; a piece being read is lost.
pub fn body_chunks<R: AsyncRead>(
    reader: R,
    capacity: usize,
) -> Result<ReaderStream<R>, ConfigError> {
    let capacity = config::count("capacity", capacity)?;
    // ANCHOR: body_chunks_key
    Ok(ReaderStream::with_capacity(reader, capacity))
    // ANCHOR_END: body_chunks_key
}
// ANCHOR_END: body_chunks

// ANCHOR: copy_body
/// Copies a stream of byte pieces into `writer`, one piece at a time, and returns the number of
/// bytes copied. The writer is flushed at the end.
///
/// # Errors
/// The first error of the stream, or of a write, ends the copy and is returned; what was
/// already written stays written.
///
/// # Examples
/// ```
/// use bytes::Bytes;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let pieces = futures::stream::iter([Bytes::from("hello, "), Bytes::from("world")].map(Ok));
/// let mut out = Vec::new();
/// assert_eq!(streams::copy_body(pieces, &mut out).await?, 12);
/// assert_eq!(out, b"hello, world");
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the future stops the copy: pieces already written stay written, the piece in hand
/// is lost.
pub async fn copy_body<S, B, W>(body: S, writer: &mut W) -> io::Result<u64>
where
    S: Stream<Item = io::Result<B>>,
    B: Buf,
    W: AsyncWrite + Unpin + ?Sized,
{
    // `StreamReader` is an `AsyncBufRead` whose buffer is the current piece: `copy_buf` writes
    // straight from it, with no second buffer.
    // ANCHOR: streaming_io_key
    let mut reader = pin!(StreamReader::new(body));
    tokio::io::copy_buf(&mut reader, writer).await
    // ANCHOR_END: streaming_io_key
}
// ANCHOR_END: copy_body
