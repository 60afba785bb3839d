//! Mocks: three kinds of stand-in, each for what the other two cannot do.
//!
//! - A byte-level script, `tokio_test::io::Builder`: the stream expects exactly these writes and
//!   gives exactly these reads, for code that speaks a protocol ([`greet`]).
//! - A trait fake, the scripted [`FakeService`] behind the [`Directory`] trait: real latency on
//!   tokio's clock and failures on cue, for timeouts, retries and cancellation
//!   ([`display_name`]).
//! - A `mockall` mock of [`Directory`]: expectations on arguments and call counts. Its `async fn`
//!   methods return what the expectation's closure returns, wrapped in a future that is ready at
//!   its first poll, so a mock cannot take time, and cannot stand in for latency.
//!
//! The lesson: `docs/testing.md`, section *Mocks*.

use std::io;

use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncWrite, AsyncWriteExt as _, BufReader};

use crate::fake_service::FakeService;

// ANCHOR: greet
/// Says `HELLO <name>` on `stream` and returns what follows `WELCOME ` in the one-line answer.
///
/// # Errors
/// The stream's I/O errors; [`io::ErrorKind::InvalidData`] for an answer that is not a
/// welcome.
///
/// # Cancel safety
/// Not cancel safe: dropped between the write and the read, the greeting is sent and the
/// answer is left unread on the stream.
pub async fn greet<S>(stream: &mut S, name: &str) -> io::Result<String>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    stream
        .write_all(format!("HELLO {name}\n").as_bytes())
        .await?;
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer).await?;
    answer
        .trim_end()
        .strip_prefix("WELCOME ")
        .map(str::to_owned)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("unexpected {answer:?}")))
}
// ANCHOR_END: greet

/// A lookup that found nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// The directory did not answer.
    #[error("directory unavailable")]
    Unavailable,
    /// No user has this id.
    #[error("no user {0}")]
    NotFound(u32),
}

// ANCHOR: directory
/// Where user names come from: the seam the code under test is written against, so a test can
/// put a fake or a mock behind it.
pub trait Directory {
    /// The name of user `id`.
    ///
    /// # Errors
    /// [`LookupError`].
    #[allow(
        async_fn_in_trait,
        reason = "the lesson mocks this with mockall; nothing here spawns the future, so no Send bound is needed"
    )]
    async fn lookup(&self, id: u32) -> Result<String, LookupError>;
}

/// The scripted fake behind the trait: its latency and failures come from its script.
impl Directory for FakeService {
    async fn lookup(&self, _id: u32) -> Result<String, LookupError> {
        self.call().await.map_err(|_| LookupError::Unavailable)
    }
}

/// The code under test: looks `id` up, trying up to `attempts` times while the directory is
/// unavailable, and returns `"<name> (#id)"`.
///
/// # Errors
/// The last [`LookupError`]; [`LookupError::NotFound`] at once (retrying cannot help).
///
/// # Cancel safety
/// Dropping it drops the lookup in flight.
pub async fn display_name<D: Directory>(
    directory: &D,
    id: u32,
    attempts: u32,
) -> Result<String, LookupError> {
    let mut last = LookupError::Unavailable;
    for _ in 0..attempts.max(1) {
        match directory.lookup(id).await {
            Ok(name) => return Ok(format!("{name} (#{id})")),
            Err(LookupError::NotFound(id)) => return Err(LookupError::NotFound(id)),
            Err(error) => last = error,
        }
    }
    Err(last)
}
// ANCHOR_END: directory
