//! The network workloads: W7 (HTTP fan-out against a local server) and `tcp` (bulk transfer over
//! loopback, pyperformance's `asyncio_tcp`), plus the small HTTP/1.1 server and client they use.
//!
//! The server answers `GET /<i>` with the decimal [`value`]`(i)` as its body and keeps the
//! connection open (HTTP/1.1 keep-alive). Both are hand-written over tokio's `TcpStream`, enough
//! for this benchmark and no more: no chunked bodies, no pipelining, requests without a body.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use concurrency_control::BoundedMap;
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::{Error, Gate, Outcome, Params, Peak, Variant, value};

/// The end of an HTTP head.
const HEAD_END: &[u8] = b"\r\n\r\n";

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

/// Serves every connection `listener` accepts, each on its own task, until the runtime stops.
///
/// # Errors
/// When accepting fails.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        tokio::spawn(async move {
            // A client that hangs up or sends garbage just loses its connection.
            let _ = serve_connection(stream).await;
        });
    }
}

async fn serve_connection(mut stream: TcpStream) -> io::Result<()> {
    let mut buffer = Vec::with_capacity(4096);
    let mut response = Vec::with_capacity(128);
    loop {
        let Some(end) = find(&buffer, HEAD_END) else {
            if stream.read_buf(&mut buffer).await? == 0 {
                return Ok(()); // the client closed the connection
            }
            continue;
        };
        let head = std::str::from_utf8(&buffer[..end]).map_err(|_| invalid("head not UTF-8"))?;
        let target = head
            .strip_prefix("GET /")
            .and_then(|rest| rest.split(' ').next())
            .ok_or_else(|| invalid("not a GET"))?;
        let index: u64 = target.parse().map_err(|_| invalid("path not a number"))?;
        let body = value(index).to_string();
        response.clear();
        response
            .extend_from_slice(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ");
        response.extend_from_slice(body.len().to_string().as_bytes());
        response.extend_from_slice(HEAD_END);
        response.extend_from_slice(body.as_bytes());
        stream.write_all(&response).await?;
        buffer.drain(..end + HEAD_END.len());
    }
}

/// One keep-alive client connection.
#[derive(Debug)]
pub struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
    request: Vec<u8>,
}

impl Connection {
    /// Connects to the server at `127.0.0.1:port`.
    ///
    /// # Errors
    /// When the connection is refused.
    pub async fn open(port: u16) -> io::Result<Connection> {
        let stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            buffer: Vec::with_capacity(4096),
            request: Vec::with_capacity(128),
        })
    }

    /// `GET /<index>` and the body read as a number.
    ///
    /// # Errors
    /// An I/O error, a closed connection, or a response this client does not understand.
    pub async fn get(&mut self, index: u64) -> io::Result<u64> {
        self.request.clear();
        self.request.extend_from_slice(b"GET /");
        self.request.extend_from_slice(index.to_string().as_bytes());
        self.request
            .extend_from_slice(b" HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n");
        self.stream.write_all(&self.request).await?;
        let head_end = loop {
            if let Some(end) = find(&self.buffer, HEAD_END) {
                break end;
            }
            self.fill().await?;
        };
        let head = std::str::from_utf8(&self.buffer[..head_end]).map_err(|_| invalid("head"))?;
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .ok_or_else(|| invalid("no content-length"))?;
        let body_start = head_end + HEAD_END.len();
        while self.buffer.len() < body_start + length {
            self.fill().await?;
        }
        let body = std::str::from_utf8(&self.buffer[body_start..body_start + length])
            .map_err(|_| invalid("body not UTF-8"))?;
        let number = body.parse().map_err(|_| invalid("body not a number"))?;
        self.buffer.drain(..body_start + length);
        Ok(number)
    }

    async fn fill(&mut self) -> io::Result<()> {
        if self.stream.read_buf(&mut self.buffer).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }
}

/// W7, HTTP fan-out: `n` GETs, `concurrency` at once, against the server on `port`.
///
/// Witness: the most requests in flight at once (must be `concurrency`). Checksum: the sum of
/// the bodies, which is the sum of [`value`] over `0..n`. Tokio: `concurrency` tasks, each with
/// its own connection, taking the next index from a shared counter. Ours: `BoundedMap::unordered`
/// over the indices, each request borrowing a connection from a pool that is our bounded queue
/// (`producer_consumer::bounded_queue`), filled with `concurrency` open connections.
///
/// # Errors
/// A missing parameter, a refused connection or a bad response.
pub async fn http_fanout(variant: Variant, params: &Params) -> Result<Outcome, Error> {
    let (n, concurrency) = (params.get("n")?, params.get("concurrency")?);
    let port = u16::try_from(params.get("port")?)?;
    let in_flight = Arc::new(Peak::default());
    let checksum = match variant {
        Variant::Tokio => {
            let next = Arc::new(AtomicU64::new(0));
            let gate = Arc::new(Gate::default());
            let mut set = JoinSet::new();
            for _ in 0..concurrency {
                let (next, gate, in_flight) =
                    (Arc::clone(&next), Arc::clone(&gate), Arc::clone(&in_flight));
                set.spawn(async move {
                    let mut connection = Connection::open(port).await?;
                    gate.arrive().await;
                    let mut sum = 0u64;
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= n {
                            return Ok::<u64, io::Error>(sum);
                        }
                        in_flight.enter();
                        sum = sum.wrapping_add(connection.get(index).await?);
                        in_flight.leave();
                    }
                });
            }
            gate.open_when(concurrency).await;
            let mut sum = 0u64;
            while let Some(joined) = set.join_next().await {
                sum = sum.wrapping_add(joined??);
            }
            sum
        }
        Variant::Ours => {
            let size = usize::try_from(concurrency)?;
            let (put, take) = producer_consumer::bounded_queue::channel(size)?;
            for _ in 0..concurrency {
                put.send(Connection::open(port).await?).await?;
            }
            let bodies = BoundedMap::new(size)?
                .unordered(0..n, |index| {
                    let (put, take, in_flight) = (put.clone(), take.clone(), &in_flight);
                    async move {
                        // At most `concurrency` requests run, and the pool holds that many
                        // connections: one is always there.
                        let mut connection = take.recv().await.ok_or("the pool is closed")?;
                        in_flight.enter();
                        let body = connection.get(index).await?;
                        in_flight.leave();
                        put.send(connection)
                            .await
                            .map_err(|_| "the pool is closed")?;
                        Ok::<u64, Error>(body)
                    }
                })
                .await;
            let mut sum = 0u64;
            for body in bodies {
                sum = sum.wrapping_add(body?);
            }
            sum
        }
    };
    Ok(Outcome::new(in_flight.peak(), checksum))
}

/// `tcp`, pyperformance's `asyncio_tcp`: a server task writes `chunks` chunks of `chunk_kib` KiB
/// to one loopback connection, waiting for each write to be taken (asyncio's `drain`); the client
/// reads until the end, 256 KiB at a time.
///
/// Witness: the chunks the server wrote (must be `chunks`). Checksum: the bytes the client read.
/// Tokio: `read` into a buffer. Ours: `streams::body_chunks`, the reader as a stream of pieces.
///
/// # Errors
/// A missing parameter or an I/O error.
pub async fn tcp(variant: Variant, params: &Params) -> Result<Outcome, Error> {
    let chunks = params.get("chunks")?;
    let chunk = usize::try_from(params.get("chunk_kib")?)? * 1024;
    const READ: usize = 256 * 1024;
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let address = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await?;
        let data = vec![b'x'; chunk];
        let mut written = 0u64;
        for _ in 0..chunks {
            stream.write_all(&data).await?;
            written += 1;
        }
        stream.shutdown().await?;
        Ok::<u64, io::Error>(written)
    });
    let mut client = TcpStream::connect(address).await?;
    let mut received = 0u64;
    match variant {
        Variant::Tokio => {
            let mut buffer = vec![0u8; READ];
            loop {
                let read = client.read(&mut buffer).await?;
                if read == 0 {
                    break;
                }
                received += read as u64;
            }
        }
        Variant::Ours => {
            let mut pieces = streams::body_chunks(client, READ)?;
            while let Some(piece) = pieces.next().await {
                received += piece?.len() as u64;
            }
        }
    }
    let written = server.await??;
    Ok(Outcome::new(written, received))
}
