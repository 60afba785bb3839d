//! A database app on real SQLite (sqlx, bundled SQLite): a read pool of 4, a single-connection
//! writer pool with `BEGIN IMMEDIATE`, WAL, a transfer that rolls back, three queries at once with
//! `try_join!`, and the in-memory database that a pool splits into several.
//!
//! The narrative (Python, pitfalls, in production) is the section *A database app* of `docs/real-world.md`.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{Row, Sqlite, Transaction};

/// Accounts in the demo database.
pub const ACCOUNTS: i64 = 10;
/// Every account's opening balance.
pub const OPENING: i64 = 1_000;

/// The two pools of one database file.
#[derive(Debug, Clone)]
pub struct Db {
    /// Readers: 4 connections, read-only.
    pub read: SqlitePool,
    /// The one writer: 1 connection, so writers queue in the pool instead of in SQLite.
    pub write: SqlitePool,
}

fn options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(2))
}

// ANCHOR: open
/// Opens (creating if needed) the database at `path`: WAL, a writer pool of 1 and a read-only
/// pool of 4.
///
/// # Errors
/// When SQLite cannot open the file.
pub async fn open(path: &Path) -> Result<Db, sqlx::Error> {
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options(path))
        .await?;
    let read = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options(path).read_only(true))
        .await?;
    Ok(Db { read, write })
}
// ANCHOR_END: open

/// Creates the tables and the accounts, users and orders (idempotent).
///
/// # Errors
/// A database error.
pub async fn seed(db: &Db) -> Result<(), sqlx::Error> {
    let mut tx = db.write.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0))",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        .execute(&mut *tx)
        .await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, item TEXT NOT NULL)")
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS profiles (user_id INTEGER PRIMARY KEY, bio TEXT NOT NULL)",
    )
    .execute(&mut *tx)
    .await?;
    for id in 1..=ACCOUNTS {
        sqlx::query("INSERT OR IGNORE INTO accounts (id, balance) VALUES (?, ?)")
            .bind(id)
            .bind(OPENING)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("INSERT OR IGNORE INTO users (id, name) VALUES (1, 'ada'), (2, 'grace')")
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT OR IGNORE INTO orders (id, user_id, item) VALUES (1, 1, 'book'), (2, 1, 'lamp'), (3, 2, 'pen')")
        .execute(&mut *tx)
        .await?;
    // Grace has no profile: the failing branch of the concurrent fetch.
    sqlx::query("INSERT OR IGNORE INTO profiles (user_id, bio) VALUES (1, 'analyst')")
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// The sum of every balance.
///
/// # Errors
/// A database error.
pub async fn total(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT SUM(balance) FROM accounts")
        .fetch_one(pool)
        .await
}

/// Every balance, by account id.
///
/// # Errors
/// A database error.
pub async fn balances(pool: &SqlitePool) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT balance FROM accounts ORDER BY id")
        .fetch_all(pool)
        .await
}

// ANCHOR: transfer
/// Moves `amount` from one account to another: read the balance, then write, in one
/// transaction started with `begin` (`"BEGIN IMMEDIATE"` takes the write lock at the start).
/// A failure anywhere drops the transaction, which rolls it back.
///
/// # Errors
/// A database error: `CHECK constraint failed` when `from` would go below zero.
pub async fn transfer(
    pool: &SqlitePool,
    begin: &'static str,
    from: i64,
    to: i64,
    amount: i64,
) -> Result<(), sqlx::Error> {
    let mut tx: Transaction<'static, Sqlite> = pool.begin_with(begin).await?;
    let balance: i64 = sqlx::query_scalar("SELECT balance FROM accounts WHERE id = ?")
        .bind(from)
        .fetch_one(&mut *tx)
        .await?;
    // Some work between the read and the write (a fee lookup, say): other transfers run now.
    tokio::time::sleep(Duration::from_millis(1)).await;
    sqlx::query("UPDATE accounts SET balance = ? WHERE id = ?")
        .bind(balance - amount)
        .bind(from)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE accounts SET balance = balance + ? WHERE id = ?")
        .bind(amount)
        .bind(to)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}
// ANCHOR_END: transfer

/// Whether `error` is SQLite's "database is locked" (SQLITE_BUSY, any extended code).
pub fn is_busy(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|code| code.parse::<u32>().ok())
            .is_some_and(|code| code & 0xff == 5),
        _ => false,
    }
}

/// How a batch of transfers ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Transfers {
    /// Committed.
    pub committed: usize,
    /// Failed with SQLITE_BUSY.
    pub busy: usize,
    /// Failed otherwise.
    pub other: usize,
}

/// Runs `count` transfers at once on `pool`, each `begin`-started, around the ring of accounts.
pub async fn transfers(pool: &SqlitePool, begin: &'static str, count: usize) -> Transfers {
    let runs = (0..count).map(|n| {
        let from = (n as i64 % ACCOUNTS) + 1;
        let to = from % ACCOUNTS + 1;
        transfer(pool, begin, from, to, 1)
    });
    let mut outcome = Transfers::default();
    for result in futures::future::join_all(runs).await {
        match result {
            Ok(()) => outcome.committed += 1,
            Err(error) if is_busy(&error) => outcome.busy += 1,
            Err(_) => outcome.other += 1,
        }
    }
    outcome
}

/// A user's page: the three queries of the guides' scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPage {
    /// The user's name.
    pub name: String,
    /// Their orders' items.
    pub orders: Vec<String>,
    /// Their profile's bio.
    pub bio: String,
}

// ANCHOR: user_page
/// Fetches user, orders and profile at once (`try_join!`): the first error returns at once and
/// drops the other queries still running. `orders_dropped` is set when the orders query was
/// dropped before it finished (the witness of that cancellation).
///
/// # Errors
/// The first query's error (`RowNotFound` for a missing user or profile).
pub async fn user_page(
    pool: &SqlitePool,
    user: i64,
    orders_dropped: Arc<AtomicBool>,
) -> Result<UserPage, sqlx::Error> {
    let name = sqlx::query_scalar::<_, String>("SELECT name FROM users WHERE id = ?")
        .bind(user)
        .fetch_one(pool);
    let orders = async {
        let witness = DropWitness(orders_dropped);
        // A slower query: the orders service takes a moment.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let rows = sqlx::query("SELECT item FROM orders WHERE user_id = ? ORDER BY id")
            .bind(user)
            .fetch_all(pool)
            .await?;
        witness.finished();
        Ok(rows
            .iter()
            .map(|row| row.get::<String, _>("item"))
            .collect())
    };
    let bio = sqlx::query_scalar::<_, String>("SELECT bio FROM profiles WHERE user_id = ?")
        .bind(user)
        .fetch_one(pool);
    let (name, orders, bio) = tokio::try_join!(name, orders, bio)?;
    Ok(UserPage { name, orders, bio })
}
// ANCHOR_END: user_page

/// Sets its flag when dropped before [`finished`](DropWitness::finished).
struct DropWitness(Arc<AtomicBool>);

impl DropWitness {
    fn finished(self) {
        std::mem::forget(self);
    }
}

impl Drop for DropWitness {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

// ANCHOR: in_memory
/// An in-memory database behind a pool of 4: creates a table on one connection and counts its
/// rows from another.
///
/// With the file name `:memory:` (what `sqlite3.connect(":memory:")` opens) every connection
/// opens its own private, empty database, so the second one has no table. sqlx's URL
/// `sqlite::memory:` opens a named shared-cache in-memory database instead, one per
/// connect options, which every connection of the pool shares.
///
/// # Errors
/// The count's error: "no such table: notes" with `:memory:`.
pub async fn in_memory(shared_url: bool) -> Result<i64, sqlx::Error> {
    let options = if shared_url {
        SqliteConnectOptions::from_str("sqlite::memory:")?
    } else {
        SqliteConnectOptions::new().filename(":memory:")
    };
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    let mut first = pool.acquire().await?;
    sqlx::query("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
        .execute(&mut *first)
        .await?;
    sqlx::query("INSERT INTO notes (id) VALUES (1)")
        .execute(&mut *first)
        .await?;
    // The first connection is still held, so the pool hands out another one.
    let mut second = pool.acquire().await?;
    let count = sqlx::query_scalar("SELECT COUNT(*) FROM notes")
        .fetch_one(&mut *second)
        .await;
    // `close` waits for every connection to come back.
    drop((first, second));
    pool.close().await;
    count
}
// ANCHOR_END: in_memory

/// The last line of an error's message (sqlx prefixes database errors).
pub fn message(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}

/// The scenario `cargo run --example database` plays, written to `t`.
///
/// # Errors
/// When the temporary folder or the database cannot be made.
pub async fn scenario(t: &testing::Transcript) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bank.db");
    let db = open(&path).await?;
    seed(&db).await?;
    t.raw(format!(
        "bank.db: WAL, {ACCOUNTS} accounts of {OPENING}, a read pool of 4, a writer pool of 1"
    ));

    let reads = (0..100).map(|_| total(&db.read));
    let totals = futures::future::join_all(reads).await;
    let ok = totals.iter().filter(|r| r.is_ok()).count();
    t.raw(format!(
        "100 concurrent reads on the read pool: {ok} succeeded"
    ));

    let immediate = transfers(&db.write, "BEGIN IMMEDIATE", 50).await;
    t.raw(format!(
        "50 concurrent transfers, BEGIN IMMEDIATE, writer pool of 1: {} committed, {} SQLITE_BUSY",
        immediate.committed, immediate.busy
    ));
    t.raw(format!("total after them: {}", total(&db.read).await?));

    // The common version: every connection may write, each transaction deferred.
    let naive = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options(&path))
        .await?;
    let deferred = transfers(&naive, "BEGIN", 50).await;
    naive.close().await;
    t.raw(format!(
        "50 concurrent transfers, deferred BEGIN, 4 writing connections: SQLITE_BUSY {}",
        if deferred.busy > 0 {
            "seen"
        } else {
            "not seen"
        }
    ));
    t.raw(format!(
        "total after them: {} (a failed transfer rolled back)",
        total(&db.read).await?
    ));

    let before = balances(&db.read).await?;
    let overdraft = transfer(&db.write, "BEGIN IMMEDIATE", 1, 2, 1_000_000).await;
    let after = balances(&db.read).await?;
    t.raw(format!(
        "a transfer of 1000000 from account 1: {}; balances unchanged: {}",
        overdraft.map_or_else(
            |e| format!("failed ({})", message(&e)),
            |()| "committed".into()
        ),
        before == after
    ));

    for user in [1, 2] {
        let dropped = Arc::new(AtomicBool::new(false));
        let page = user_page(&db.read, user, Arc::clone(&dropped)).await;
        let shown = match page {
            Ok(page) => format!(
                "{} with orders {:?} and bio {:?}",
                page.name, page.orders, page.bio
            ),
            Err(error) => format!(
                "failed ({}); the orders query was cancelled: {}",
                message(&error),
                dropped.load(Ordering::SeqCst)
            ),
        };
        t.raw(format!(
            "user {user}: user, orders, profile at once: {shown}"
        ));
    }

    for (label, shared_url) in [
        ("file name \":memory:\"", false),
        ("sqlx URL \"sqlite::memory:\"", true),
    ] {
        let shown = match in_memory(shared_url).await {
            Ok(count) => format!("{count} note"),
            Err(error) => message(&error),
        };
        t.raw(format!(
            "in-memory database, {label}, pool of 4, a second connection: {shown}"
        ));
    }
    db.read.close().await;
    db.write.close().await;
    Ok(())
}
