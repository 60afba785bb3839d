//! A WebSocket chat (axum `ws` server, tokio-tungstenite clients) with a stated slow-client
//! policy, per-connection limits, and a shutdown that tells every client to go away.
//!
//! Policy: messages fan out through a `broadcast` channel of [`HISTORY`] messages. A client whose
//! socket cannot keep up falls behind the channel; when it has missed messages it is closed with
//! code 1008 (policy violation) and the reason `too slow: missed N messages`. It is never dropped
//! silently, and it never holds up the others: each connection sends on its own task.
//!
//! The narrative (Python, pitfalls, in production) is the section *A WebSocket chat* of `docs/real-world.md`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use concurrency_control::RateLimiter;
use futures::{SinkExt, StreamExt};
use production::{Probes, Shutdown, ShutdownReport};
use serde::Deserialize;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite;
use tokio_util::sync::CancellationToken;

use crate::support::Counter;

/// Messages the broadcast channel keeps for a client that is behind.
pub const HISTORY: usize = 64;
/// The largest message a client may send, in bytes; a larger one closes it with 1009.
pub const MAX_MESSAGE: usize = 64 * 1024;
/// Messages a client may send in a burst before the rate limit applies: under [`HISTORY`], so
/// one flooding client cannot push the others out of the history by itself.
pub const BURST: usize = 32;
/// Messages a client may send a second, after the burst.
pub const RATE: usize = 5000;
/// The rate the demo's sender keeps to (well under [`RATE`]).
pub const SEND_RATE: usize = 2000;

/// Close codes (RFC 6455).
pub mod code {
    /// The server is going away (shutdown).
    pub const GOING_AWAY: u16 = 1001;
    /// A policy violation: too slow, or flooding.
    pub const POLICY: u16 = 1008;
}

/// What the server counted.
#[derive(Debug, Clone, Default)]
pub struct ChatStats {
    /// Connections accepted (upgraded).
    pub connections: Counter,
    /// Connections that ended with a protocol or transport error (malformed, oversized, reset).
    pub errors: Counter,
    /// Connections closed by the server for a policy reason (slow, flooding).
    pub policy_closes: Counter,
    /// The reasons of those closes, in order.
    reasons: Arc<Mutex<Vec<String>>>,
}

impl ChatStats {
    /// The close reasons sent so far.
    pub fn reasons(&self) -> Vec<String> {
        self.reasons
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[derive(Clone)]
struct ChatState {
    room: broadcast::Sender<String>,
    shutdown: Shutdown,
    stats: ChatStats,
}

/// A running chat server.
#[derive(Debug)]
pub struct ChatServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// What it counted.
    pub stats: ChatStats,
    shutdown: Shutdown,
    server: JoinHandle<std::io::Result<()>>,
}

/// Starts a chat server on `127.0.0.1:0` whose shutdown waits at most `drain_deadline` for
/// connections to close.
///
/// # Errors
/// A zero deadline, or a port that cannot be bound.
pub async fn start(drain_deadline: Duration) -> anyhow::Result<ChatServer> {
    let shutdown = Shutdown::new(drain_deadline, Probes::new())?;
    let (room, _) = broadcast::channel(HISTORY);
    let stats = ChatStats::default();
    let state = ChatState {
        room,
        shutdown: shutdown.clone(),
        stats: stats.clone(),
    };
    let app = Router::new().route("/ws", get(upgrade)).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let token = shutdown.token();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(token.cancelled_owned())
            .await
    });
    Ok(ChatServer {
        addr,
        stats,
        shutdown,
        server,
    })
}

impl ChatServer {
    /// `ws://ADDR/ws?name=NAME`.
    pub fn url(&self, name: &str) -> String {
        format!("ws://{}/ws?name={name}", self.addr)
    }

    /// Tells every client to go away (Close 1001), waits for the connections until the drain
    /// deadline, and stops the listener.
    pub async fn shutdown(self) -> ShutdownReport {
        let report = self.shutdown.shutdown().await;
        crate::support::stop_within(self.server, Duration::from_millis(200)).await;
        report
    }
}

#[derive(Debug, Deserialize)]
struct Join {
    name: String,
}

async fn upgrade(
    State(state): State<ChatState>,
    Query(join): Query<Join>,
    ws: WebSocketUpgrade,
) -> Response {
    ws.max_message_size(MAX_MESSAGE)
        .on_upgrade(move |socket| async move {
            state.stats.connections.bump();
            let shutdown = state.shutdown.clone();
            // Every connection is a job of the shutdown: it is told to go away and waited for.
            // Refused (and dropped) once shutdown has begun.
            let _ = shutdown.spawn(move |token| connection(socket, join.name, state, token));
        })
}

fn close(code: u16, reason: impl Into<String>) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: Utf8Bytes::from(reason.into()),
    }))
}

// ANCHOR: connection
/// One client: its messages go to the room (rate-limited), the room's messages go to it. Only
/// this task writes to this socket, so a slow socket holds up no one else; when it falls more
/// than [`HISTORY`] messages behind, it is closed with 1008 and told how many it missed.
async fn connection(
    mut socket: WebSocket,
    name: String,
    state: ChatState,
    token: CancellationToken,
) {
    let mut room = state.room.subscribe();
    let limiter = RateLimiter::per_second(RATE, BURST).expect("RATE and BURST are valid counts");
    let policy_close = |reason: String| {
        state.stats.policy_closes.bump();
        state
            .stats
            .reasons
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(reason.clone());
        close(code::POLICY, reason)
    };
    let goodbye = loop {
        tokio::select! {
            () = token.cancelled() => break Some(close(code::GOING_AWAY, "server shutting down")),
            message = room.recv() => match message {
                Ok(text) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        state.stats.errors.bump();
                        break None;
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    break Some(policy_close(format!("too slow: missed {missed} messages")));
                }
                Err(RecvError::Closed) => break None,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if limiter.try_acquire().is_err() {
                        break Some(policy_close(format!("flooding: over {RATE} messages a second")));
                    }
                    // No receiver is not an error: the room may be empty.
                    let _ = state.room.send(format!("{name}: {}", text.as_str()));
                }
                Some(Ok(Message::Close(_))) | None => break None,
                Some(Ok(_)) => {}
                // Malformed frames, an oversized message, a reset: say which, where the
                // socket still takes a frame.
                Some(Err(error)) => {
                    state.stats.errors.bump();
                    break Some(error_close(error));
                }
            },
        }
    };
    if let Some(goodbye) = goodbye {
        // The client may be too slow to take even this: bounded.
        let _ = tokio::time::timeout(Duration::from_secs(1), socket.send(goodbye)).await;
    }
}
// ANCHOR_END: connection

/// The close frame for a connection error: 1009 for an oversized message, 1002 for a
/// protocol error, 1011 otherwise.
fn error_close(error: axum::Error) -> Message {
    match error.into_inner().downcast::<tungstenite::Error>() {
        Ok(error) => match *error {
            tungstenite::Error::Capacity(_) => close(1009, "message too big"),
            tungstenite::Error::Protocol(problem) => {
                close(1002, format!("protocol error: {problem}"))
            }
            other => close(1011, other.to_string()),
        },
        Err(other) => close(1011, other.to_string()),
    }
}

/// A client's WebSocket.
pub type Client =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects a client named `name`.
///
/// # Errors
/// When the connection or the handshake fails.
pub async fn connect(server: &ChatServer, name: &str) -> Result<Client, tungstenite::Error> {
    let (client, _response) = tokio_tungstenite::connect_async(server.url(name)).await?;
    Ok(client)
}

/// Connects a client whose socket has a 4 KiB receive buffer, so the server's writes to it
/// block as soon as it stops reading.
///
/// # Errors
/// When the connection or the handshake fails.
pub async fn connect_small_buffer(
    server: &ChatServer,
    name: &str,
) -> Result<tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>, tungstenite::Error> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_recv_buffer_size(4096)?;
    let stream = socket.connect(server.addr).await?;
    let (client, _response) = tokio_tungstenite::client_async(server.url(name), stream).await?;
    Ok(client)
}

/// How a client's stream ended: the close code and reason, or `None` for an error or a plain EOF.
pub async fn close_of<S>(client: &mut S) -> Option<(u16, String)>
where
    S: futures::Stream<Item = Result<tungstenite::Message, tungstenite::Error>> + Unpin,
{
    while let Some(message) = client.next().await {
        match message {
            Ok(tungstenite::Message::Close(Some(frame))) => {
                return Some((u16::from(frame.code), frame.reason.to_string()));
            }
            Ok(tungstenite::Message::Close(None)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}

/// A reader that records, in order, the sequence numbers of `from`'s messages (`"from: N ..."`),
/// until `until` numbers have arrived or the stream ends; returns them and the close frame if
/// one came.
pub async fn read_sequence<S>(
    mut stream: S,
    from: &str,
    until: usize,
) -> (Vec<usize>, Option<(u16, String)>)
where
    S: futures::Stream<Item = Result<tungstenite::Message, tungstenite::Error>> + Unpin,
{
    let prefix = format!("{from}: ");
    let mut seen = Vec::new();
    while seen.len() < until {
        match stream.next().await {
            Some(Ok(tungstenite::Message::Text(text))) => {
                if let Some(rest) = text.as_str().strip_prefix(&prefix)
                    && let Some(number) = rest.split(' ').next().and_then(|n| n.parse().ok())
                {
                    seen.push(number);
                }
            }
            Some(Ok(tungstenite::Message::Close(frame))) => {
                return (
                    seen,
                    frame.map(|f| (u16::from(f.code), f.reason.to_string())),
                );
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return (seen, None),
        }
    }
    (seen, None)
}

/// What a broadcast run saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    /// Per normal client: whether it got exactly `0..count` in order.
    pub in_order: Vec<bool>,
    /// How the slow client's connection ended.
    pub slow_close: Option<(u16, String)>,
}

// ANCHOR: broadcast
/// `alice` sends `count` messages of `size` bytes while `bob` and `carol` read and a slow client
/// reads nothing until the end. Alice keeps to [`SEND_RATE`] messages a second and at most 16
/// messages ahead of the slowest normal reader (a producer at a rate its readers sustain), so
/// only the stalled client falls behind.
///
/// # Errors
/// When a client cannot connect or send.
pub async fn broadcast_run(
    server: &ChatServer,
    count: usize,
    size: usize,
) -> anyhow::Result<Broadcast> {
    let mut slow = connect_small_buffer(server, "slowpoke").await?;
    let (mut alice_tx, alice_rx) = connect(server, "alice").await?.split();
    let mut readers = vec![alice_rx];
    for name in ["bob", "carol"] {
        readers.push(connect(server, name).await?.split().1);
    }
    let progress: Vec<Arc<std::sync::atomic::AtomicUsize>> =
        (0..3).map(|_| Arc::default()).collect();
    let tasks: Vec<_> = readers
        .into_iter()
        .zip(&progress)
        .map(|(stream, done)| {
            let done = Arc::clone(done);
            let counted = stream.inspect(move |message| {
                if matches!(message, Ok(tungstenite::Message::Text(_))) {
                    done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            });
            tokio::spawn(read_sequence(counted, "alice", count))
        })
        .collect();
    let padding = "x".repeat(size);
    // Alice keeps to her own rate limit, well under the server's.
    let pace = RateLimiter::per_second(SEND_RATE, 1)?;
    for n in 0..count {
        pace.acquire().await;
        while progress
            .iter()
            .any(|done| done.load(std::sync::atomic::Ordering::SeqCst) + 16 < n)
        {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        alice_tx
            .send(tungstenite::Message::text(format!("{n} {padding}")))
            .await?;
    }
    let mut in_order = Vec::new();
    for task in tasks {
        let (seen, _close) = task.await?;
        in_order.push(seen == (0..count).collect::<Vec<_>>());
    }
    // The slow client reads at last: what it was sent, then how it was let go.
    let slow_close = tokio::time::timeout(Duration::from_secs(2), close_of(&mut slow))
        .await
        .ok()
        .flatten();
    // Alice leaves: her reading half ended with its task, so dropping this half closes her
    // connection.
    drop(alice_tx);
    Ok(Broadcast {
        in_order,
        slow_close,
    })
}
// ANCHOR_END: broadcast

/// Sends `bytes` raw after a WebSocket handshake done by hand, and returns the close code the
/// server answered with (`None`: the connection just ended).
///
/// # Errors
/// When the connection fails.
pub async fn raw_frame(server: &ChatServer, bytes: &[u8]) -> std::io::Result<Option<u16>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr).await?;
    let request = format!(
        "GET /ws?name=raw HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        server.addr
    );
    stream.write_all(request.as_bytes()).await?;
    let mut received = Vec::new();
    let mut buffer = [0; 1024];
    // The 101 response ends with an empty line.
    while !received.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            return Ok(None);
        }
        received.extend_from_slice(&buffer[..n]);
    }
    let at = received
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(0)
        + 4;
    let mut rest = received.split_off(at);
    stream.write_all(bytes).await?;
    let read = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut rest)).await;
    // A reset after the close frame still leaves the frame in `rest`.
    let _ = read;
    // A close frame from the server: 0x88, a length under 126, then the code.
    Ok(match rest.as_slice() {
        [0x88, len, hi, lo, ..] if *len >= 2 => Some(u16::from_be_bytes([*hi, *lo])),
        _ => None,
    })
}

/// The scenario `cargo run --example chat` plays, written to `t`.
///
/// # Errors
/// When the server cannot start or a client cannot connect.
pub async fn scenario(t: &testing::Transcript) -> anyhow::Result<()> {
    let server = start(Duration::from_millis(400)).await?;
    t.raw(format!(
        "chat server: history {HISTORY} messages, messages up to {} KiB, {BURST} at once then {RATE} a second",
        MAX_MESSAGE / 1024
    ));

    let count = 300;
    let run = broadcast_run(&server, count, 16 * 1024).await?;
    let all = run.in_order.iter().filter(|ok| **ok).count();
    t.raw(format!(
        "alice sent {count} messages of 16 KiB: {all} of 3 normal clients got all {count} in order"
    ));
    t.raw(match &run.slow_close {
        Some((code, reason)) if reason.starts_with("too slow: missed ") => {
            format!("the slow client: closed with {code}, reason \"too slow: missed N messages\"")
        }
        Some((code, reason)) => format!("the slow client: closed with {code} {reason:?}"),
        None => "the slow client: no close frame".to_owned(),
    });

    t.raw("-- faults, one client each");
    // An unmasked frame: clients must mask every frame.
    let malformed = raw_frame(&server, &[0x81, 0x02, b'h', b'i']).await?;
    t.raw(format!("an unmasked frame: {}", shown(malformed)));
    let mut big = connect(&server, "big").await?;
    big.send(tungstenite::Message::text("x".repeat(MAX_MESSAGE + 1)))
        .await?;
    t.raw(format!(
        "a message of 64 KiB + 1 byte: {}",
        shown(close_of(&mut big).await.map(|(code, _)| code))
    ));
    let mut flood = connect(&server, "flood").await?;
    for n in 0..2000 {
        if flood
            .send(tungstenite::Message::text(format!("spam {n}")))
            .await
            .is_err()
        {
            break;
        }
    }
    let flooded = close_of(&mut flood).await;
    t.raw(format!(
        "2000 messages at once: {}",
        match flooded {
            Some((code, reason)) => format!("closed with {code} {reason:?}"),
            None => "no close frame".to_owned(),
        }
    ));

    let (mut alice_tx, alice_rx) = connect(&server, "alice").await?.split();
    let mut readers = vec![alice_rx];
    for name in ["bob", "carol"] {
        readers.push(connect(&server, name).await?.split().1);
    }
    alice_tx
        .send(tungstenite::Message::text("0 still here?"))
        .await?;
    let mut served = 0;
    let mut streams = Vec::new();
    for mut stream in readers {
        let (seen, _) = read_sequence(&mut stream, "alice", 1).await;
        served += usize::from(seen == [0]);
        streams.push(stream);
    }
    t.raw(format!(
        "after the faults: {served} of 3 clients still served"
    ));

    t.raw("-- shutdown");
    let report = server.shutdown().await;
    let mut going_away = 0;
    for mut stream in streams {
        if matches!(close_of(&mut stream).await, Some((code::GOING_AWAY, _))) {
            going_away += 1;
        }
    }
    t.raw(format!(
        "{going_away} of 3 clients got Close 1001; server done within 500 ms: {}",
        report.drain_time < Duration::from_millis(500)
    ));
    Ok(())
}

fn shown(code: Option<u16>) -> String {
    code.map_or_else(
        || "connection closed, no close frame".to_owned(),
        |code| format!("closed with {code}"),
    )
}
