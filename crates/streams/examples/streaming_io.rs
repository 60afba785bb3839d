//! Streaming I/O: a 1 MiB body arrives over an in-memory pipe in 16 KiB writes, 10 ms apart; it
//! is read as a stream of pieces (`ReaderStream`), watched for progress, and copied into a sink
//! through `StreamReader`, holding about one piece at a time.
//!
//! Run: `cargo run --example streaming_io`
//!
//! Expected output (the golden transcript `streaming_io.txt` beside this file):
//! ```text
//! [+0.000s] downloading a 1048576-byte body in pieces of at most 16384 bytes
//! [+0.160s] 262144 bytes received
//! ...
//! ```

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::StreamExt;
use testing::Transcript;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};

const BODY: usize = 1024 * 1024;
const PIECE: usize = 16 * 1024;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    // The "server" writes into one end of an in-memory pipe, as a socket would deliver a body.
    let (mut server, client) = tokio::io::duplex(64 * 1024);
    let upload = tokio::spawn(async move {
        // A piece every 10 ms. An interval keeps to its schedule; 64 `sleep(10 ms)`s in a row
        // would each add their late wake-up to the next (on the real clock, ~1 ms each).
        let every = Duration::from_millis(10);
        let mut pace = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        for _ in 0..BODY / PIECE {
            pace.tick().await;
            server.write_all(&[b'x'; PIECE]).await?;
        }
        server.shutdown().await // end of body
    });

    t.line(format!(
        "downloading a {BODY}-byte body in pieces of at most {PIECE} bytes"
    ));
    let held = Arc::new(Held::default());
    let reader = Metered {
        inner: client,
        held: Arc::clone(&held),
    };
    let mut received = 0;
    let pieces = streams::body_chunks(reader, PIECE)?.inspect(|piece| {
        if let Ok(piece) = piece {
            received += piece.len();
            if received % (256 * 1024) == 0 {
                t.line(format!("{received} bytes received"));
            }
        }
    });
    let mut sink = Sink {
        held: Arc::clone(&held),
    };
    let copied = streams::copy_body(pieces, &mut sink).await?;
    upload.await??;
    t.line(format!(
        "copied {copied} bytes; at most {} bytes held at once",
        held.peak()
    ));
    // ANCHOR_END: main
    Ok(())
}

// ANCHOR: meter
/// Bytes read from the pipe minus bytes written to the sink, and the peak of that difference.
#[derive(Default)]
struct Held {
    read: AtomicU64,
    written: AtomicU64,
    peak: AtomicU64,
}

impl Held {
    fn peak(&self) -> u64 {
        self.peak.load(Ordering::SeqCst)
    }
}

/// A reader that reports every byte it reads to `held`.
struct Metered<R> {
    inner: R,
    held: Arc<Held>,
}

impl<R: AsyncRead + Unpin> AsyncRead for Metered<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let n = (buf.filled().len() - before) as u64;
        let read = self.held.read.fetch_add(n, Ordering::SeqCst) + n;
        let holding = read - self.held.written.load(Ordering::SeqCst);
        self.held.peak.fetch_max(holding, Ordering::SeqCst);
        polled
    }
}

/// A writer that drops what it is given and reports it to `held`.
struct Sink {
    held: Arc<Held>,
}

impl AsyncWrite for Sink {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.held
            .written
            .fetch_add(buf.len() as u64, Ordering::SeqCst);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
// ANCHOR_END: meter
