//! Network simulation: a client with retries, tested across a network partition and a server
//! restart in a simulated network, deterministically from a seed.
//!
//! The client here is written against any stream (`AsyncRead + AsyncWrite`) and any way of
//! connecting, so the same code runs over tokio's real `TcpStream` and over turmoil's simulated
//! one. turmoil (a dev-dependency of this crate only, because it switches on tokio's
//! `test-util`) runs each host on its own paused runtime, delivers messages with latencies drawn
//! from a seeded random generator, and lets the test partition, repair, crash and restart hosts
//! between simulation steps. Same seed, same events: the tests run the scenario twice and
//! require identical [`EventLog`]s.
//!
//! The lesson: `docs/testing.md`, section *Network simulation*.

use std::fmt;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncWrite, AsyncWriteExt as _, BufReader};

use crate::format_stamp;

/// Events stamped by a clock the log is given (turmoil's simulated time in the tests).
/// Clones share the events.
#[derive(Clone)]
pub struct EventLog {
    clock: Arc<dyn Fn() -> Duration + Send + Sync>,
    events: Arc<Mutex<Vec<String>>>,
}

impl EventLog {
    /// A log stamped by `clock`.
    pub fn new(clock: impl Fn() -> Duration + Send + Sync + 'static) -> EventLog {
        EventLog {
            clock: Arc::new(clock),
            events: Arc::new(Mutex::new(Vec::new())),
        }
    }

    // Locked for a push or a copy, never across an `.await`.
    fn events(&self) -> MutexGuard<'_, Vec<String>> {
        self.events.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records `event` by `who` at the log's clock: `[+1.200s] client: attempt 2: timed out`.
    pub fn record(&self, who: &str, event: impl fmt::Display) {
        self.record_at((self.clock)(), who, event);
    }

    /// Records `event` by `who` with a stamp given by the caller (a test driving the
    /// simulation from outside it, where only the simulation knows the time).
    pub fn record_at(&self, stamp: Duration, who: &str, event: impl fmt::Display) {
        let stamp = format_stamp(stamp);
        self.events().push(format!("[{stamp}] {who}: {event}"));
    }

    /// The events so far, in order.
    pub fn lines(&self) -> Vec<String> {
        self.events().clone()
    }
}

impl fmt::Debug for EventLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventLog")
            .field("events", &self.events().len())
            .finish_non_exhaustive()
    }
}

/// How hard the client tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, at least 1.
    pub attempts: u32,
    /// The limit on one attempt (connect, send, read the reply).
    pub timeout: Duration,
    /// The pause after the first failed attempt; it doubles after each further one.
    pub backoff: Duration,
}

impl Default for RetryPolicy {
    /// 6 attempts of at most 1 s each, pauses of 100 ms, 200 ms, 400 ms, 800 ms, 1.6 s.
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 6,
            timeout: Duration::from_secs(1),
            backoff: Duration::from_millis(100),
        }
    }
}

/// Every attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("gave up after {attempts} attempts")]
pub struct GaveUp {
    /// The attempts made.
    pub attempts: u32,
}

// ANCHOR: request
/// Sends `line` and returns the one-line reply, connecting afresh for each attempt and
/// retrying failed or timed-out attempts with exponential backoff; every step goes to `log`.
///
/// # Errors
/// [`GaveUp`] when every attempt failed.
///
/// # Cancel safety
/// Dropping it drops the attempt in flight; the server may or may not have seen the line.
pub async fn request<C, Fut, S>(
    mut connect: C,
    line: &str,
    policy: RetryPolicy,
    log: &EventLog,
) -> Result<String, GaveUp>
where
    C: FnMut() -> Fut,
    Fut: Future<Output = io::Result<S>>,
    S: AsyncRead + AsyncWrite + Unpin,
{
    let attempts = policy.attempts.max(1);
    let mut pause = policy.backoff;
    for attempt in 1..=attempts {
        let exchange = async {
            let mut stream = connect().await?;
            stream.write_all(format!("{line}\n").as_bytes()).await?;
            let mut reply = String::new();
            BufReader::new(&mut stream).read_line(&mut reply).await?;
            if reply.is_empty() {
                return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
            }
            Ok(reply.trim_end().to_owned())
        };
        match tokio::time::timeout(policy.timeout, exchange).await {
            Ok(Ok(reply)) => {
                log.record("client", format!("attempt {attempt}: {reply}"));
                return Ok(reply);
            }
            Ok(Err(error)) => log.record("client", format!("attempt {attempt}: {}", error.kind())),
            Err(_elapsed) => log.record("client", format!("attempt {attempt}: timed out")),
        }
        if attempt < attempts {
            tokio::time::sleep(pause).await;
            pause = pause.saturating_mul(2);
        }
    }
    Err(GaveUp { attempts })
}
// ANCHOR_END: request

/// The server's side of one connection: answers each line with `ok <line>` until the client
/// closes it.
///
/// # Errors
/// The stream's I/O errors.
pub async fn answer<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> io::Result<()> {
    let mut lines = BufReader::new(stream);
    let mut line = String::new();
    while lines.read_line(&mut line).await? > 0 {
        let reply = format!("ok {}\n", line.trim_end());
        lines.get_mut().write_all(reply.as_bytes()).await?;
        line.clear();
    }
    Ok(())
}
