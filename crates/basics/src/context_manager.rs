//! Async context manager: a resource that needs an async step to close, closed on every path.
//!
//! Rust has no async `Drop`: a destructor cannot `.await`. So the resource is an RAII guard
//! ([`Connection`]) with two exits:
//! - the normal one, an explicit `async fn` [`Connection::close`] that consumes the guard;
//! - a fallback in `Drop` for every path that skips it (an early `?`, a panic, a cancelled task):
//!   synchronous, best-effort cleanup, here recorded as an *abandoned* connection.
//!
//! [`with_connection`] is the `async with`: it opens, runs an async closure on `&mut Connection`
//! and always awaits `close`, whether the body returned `Ok` or `Err`.
//!
//! The lesson: `docs/basics.md`, section *Async context manager*.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use crate::config::{self, ConfigError};

/// Why a connection call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionError {
    /// The query text was empty.
    #[error("empty query")]
    EmptyQuery,
}

/// How long each step of a simulated connection takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// Time to open a connection.
    pub open: Duration,
    /// Time to run one query.
    pub query: Duration,
    /// Time to close a connection gracefully.
    pub close: Duration,
}

impl Default for Timings {
    /// The catalogue's scenario: open 0.1 s, query 0.2 s, close 0.1 s.
    fn default() -> Self {
        Timings {
            open: Duration::from_millis(100),
            query: Duration::from_millis(200),
            close: Duration::from_millis(100),
        }
    }
}

/// What the simulated server has seen so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Connections open right now.
    pub open: usize,
    /// Connections closed gracefully with [`Connection::close`].
    pub closed: usize,
    /// Connections dropped without `close` (the `Drop` fallback ran).
    pub abandoned: usize,
}

#[derive(Debug, Default)]
struct Counters {
    next_id: AtomicU64,
    open: AtomicUsize,
    closed: AtomicUsize,
    abandoned: AtomicUsize,
}

/// A simulated database server that hands out [`Connection`]s and counts how they end.
#[derive(Debug, Clone, Default)]
pub struct Database {
    counters: Arc<Counters>,
    timings: Timings,
}

impl Database {
    /// A database whose connections take `timings`. A step may take no time at all.
    ///
    /// # Errors
    /// [`ConfigError::TooLong`] for a step longer than [`config::MAX_DURATION`].
    pub fn new(timings: Timings) -> Result<Database, ConfigError> {
        config::duration_or_zero("open", timings.open)?;
        config::duration_or_zero("query", timings.query)?;
        config::duration_or_zero("close", timings.close)?;
        Ok(Database {
            counters: Arc::default(),
            timings,
        })
    }

    /// Opens a connection (takes [`Timings::open`]).
    ///
    /// # Errors
    /// None in this simulation; a real driver returns its connect error here, which is why the
    /// signature (and [`with_connection`]'s `E: From<ConnectionError>`) keeps the `Result`.
    ///
    /// # Examples
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), basics::ConnectionError> {
    /// let db = basics::Database::default();
    /// let mut conn = db.connect().await?;
    /// let rows = conn.query("SELECT 1").await?;
    /// conn.close().await;
    /// assert_eq!(rows, "1 row for `SELECT 1`");
    /// assert_eq!(db.stats().closed, 1);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// Dropping the future before it completes opens nothing.
    pub async fn connect(&self) -> Result<Connection, ConnectionError> {
        tokio::time::sleep(self.timings.open).await;
        // Counted only once the connection exists, so a cancelled connect leaves no trace.
        self.counters.open.fetch_add(1, Ordering::SeqCst);
        Ok(Connection {
            id: self.counters.next_id.fetch_add(1, Ordering::SeqCst) + 1,
            counters: Arc::clone(&self.counters),
            timings: self.timings,
            closed: false,
        })
    }

    /// How many connections are open, closed gracefully and abandoned.
    pub fn stats(&self) -> Stats {
        Stats {
            open: self.counters.open.load(Ordering::SeqCst),
            closed: self.counters.closed.load(Ordering::SeqCst),
            abandoned: self.counters.abandoned.load(Ordering::SeqCst),
        }
    }
}

// ANCHOR: connection
/// An open connection: an RAII guard to close with [`close`](Connection::close).
///
/// Dropping it without `close` runs a synchronous fallback: the connection is counted as
/// abandoned (a server would see a reset), and nothing is awaited.
#[derive(Debug)]
#[must_use = "dropping a Connection without `close` abandons it"]
pub struct Connection {
    id: u64,
    counters: Arc<Counters>,
    timings: Timings,
    closed: bool,
}

impl Connection {
    /// The connection's number, from 1.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Runs one query (takes [`Timings::query`]).
    ///
    /// # Errors
    /// [`ConnectionError::EmptyQuery`] at once for an empty or blank query.
    ///
    /// # Cancel safety
    /// Dropping the future abandons the query; the connection stays usable.
    pub async fn query(&mut self, sql: &str) -> Result<String, ConnectionError> {
        if sql.trim().is_empty() {
            return Err(ConnectionError::EmptyQuery);
        }
        tokio::time::sleep(self.timings.query).await;
        Ok(format!("1 row for `{sql}`"))
    }

    /// Closes the connection gracefully (takes [`Timings::close`]).
    ///
    /// # Cancel safety
    /// Dropping the future before it completes drops the connection: the `Drop` fallback runs
    /// and it counts as abandoned.
    pub async fn close(mut self) {
        tokio::time::sleep(self.timings.close).await;
        self.closed = true;
        self.counters.closed.fetch_add(1, Ordering::SeqCst);
        self.counters.open.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // No `.await` here: Drop is synchronous. The fallback must be quick and must not block,
        // so it only records what happened (a real driver would shut the socket).
        if !self.closed {
            self.counters.abandoned.fetch_add(1, Ordering::SeqCst);
            self.counters.open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}
// ANCHOR_END: connection

// ANCHOR: with_connection
/// Opens a connection, runs `body` with it and always closes it gracefully, whether the body
/// returned `Ok` or `Err`: the `async with` of this module.
///
/// # Errors
/// The body's error, or [`ConnectionError`] (converted into `E`) when the connection cannot be
/// opened.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use basics::{ConnectionError, Database};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let db = Database::default();
/// let start = tokio::time::Instant::now();
/// let failed: Result<String, ConnectionError> =
///     basics::with_connection(&db, async |conn| conn.query("").await).await;
/// assert_eq!(failed, Err(ConnectionError::EmptyQuery));
/// // Closed on the error path too: open 0.1 s + close 0.1 s.
/// assert_eq!(db.stats().closed, 1);
/// assert_eq!(start.elapsed(), Duration::from_millis(200));
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future mid-body or mid-close drops the connection without a graceful
/// close: the `Drop` fallback runs. Wrap the call in a spawned task if the close must survive the
/// caller's cancellation.
pub async fn with_connection<T, E, F>(db: &Database, body: F) -> Result<T, E>
where
    F: AsyncFnOnce(&mut Connection) -> Result<T, E>,
    E: From<ConnectionError>,
{
    let mut conn = db.connect().await?;
    let outcome = body(&mut conn).await;
    // Reached on Ok and on Err alike: the body's error is returned only after the close.
    conn.close().await;
    outcome
}
// ANCHOR_END: with_connection
