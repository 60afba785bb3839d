//! A new client per request: building a client (here one TCP connection) for every request
//! pays a connection set-up each time (a TCP handshake, and with TLS a second one), and leaves a
//! socket in `TIME_WAIT` behind each; under load the ports run out.
//!
//! The fix builds the client once and reuses it (HTTP clients such as `reqwest::Client` keep a
//! pool of connections inside and are meant to be built once and cloned). No lint sees it; a
//! server that counts the connections it accepted does.
//!
//! The lesson: `docs/pitfalls.md`, section *A new client per request*.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// A client holding one connection to a line-based server: a request is one line out, the
/// reply one line back.
#[derive(Debug)]
pub struct Client {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Client {
    /// Connects to `addr`.
    ///
    /// # Errors
    /// The connection's I/O error.
    ///
    /// # Cancel safety
    /// Dropping the future drops the half-open connection.
    pub async fn connect(addr: SocketAddr) -> io::Result<Client> {
        let (read, writer) = TcpStream::connect(addr).await?.into_split();
        Ok(Client {
            reader: BufReader::new(read),
            writer,
        })
    }

    /// Sends `request` (one line, without its newline) and returns the reply line.
    ///
    /// # Errors
    /// The connection's I/O error; `UnexpectedEof` when the server closed it.
    ///
    /// # Cancel safety
    /// Not cancel-safe: dropped mid-way, the connection may hold half a request or an unread
    /// reply; drop the client with it.
    pub async fn request(&mut self, request: &str) -> io::Result<String> {
        self.writer
            .write_all(format!("{request}\n").as_bytes())
            .await?;
        let mut reply = String::new();
        if self.reader.read_line(&mut reply).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(reply.trim_end().to_owned())
    }
}

// ANCHOR: wrong
/// WRONG: a new client, so a new connection, for each of `requests` requests.
///
/// # Errors
/// The first I/O error.
pub async fn fetch_with_a_client_each(
    addr: SocketAddr,
    requests: usize,
) -> io::Result<Vec<String>> {
    let mut replies = Vec::with_capacity(requests);
    for index in 0..requests {
        let mut client = Client::connect(addr).await?;
        replies.push(client.request(&format!("get {index}")).await?);
    }
    Ok(replies)
}
// ANCHOR_END: wrong

// ANCHOR: right
/// RIGHT: one client, built once by the caller, for every request.
///
/// # Errors
/// The first I/O error.
pub async fn fetch_with(client: &mut Client, requests: usize) -> io::Result<Vec<String>> {
    let mut replies = Vec::with_capacity(requests);
    for index in 0..requests {
        replies.push(client.request(&format!("get {index}")).await?);
    }
    Ok(replies)
}
// ANCHOR_END: right

/// A loopback server that counts the connections it accepted and answers each line `ok LINE`:
/// the other end of the scenario. Dropping it stops the server and closes its connections.
#[derive(Debug)]
#[must_use = "dropping the server stops it"]
pub struct CountingServer {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl CountingServer {
    /// Listens on `127.0.0.1` at a port the system picks, and serves in a task of its own.
    ///
    /// # Errors
    /// The listener's I/O error.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub async fn spawn() -> io::Result<CountingServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&accepted);
        let task = tokio::spawn(async move {
            // The connections live in this set: aborting the accept loop drops it, which
            // aborts them.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                connections.spawn(answer(stream));
                // Reap the connections that already ended, so the set does not grow.
                while connections.try_join_next().is_some() {}
            }
        });
        Ok(CountingServer {
            addr,
            accepted,
            task,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for CountingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(stream: TcpStream) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if write
            .write_all(format!("ok {line}\n").as_bytes())
            .await
            .is_err()
        {
            break;
        }
    }
}
