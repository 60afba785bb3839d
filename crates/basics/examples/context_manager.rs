//! Async context manager: a connection that opens in 0.1 s, queries in 0.2 s and closes in 0.1 s.
//! First by hand with the guard and its explicit `close`, then with the scoped helper (which
//! closes on the error path too), then a guard dropped without `close` (the `Drop` fallback).
//!
//! Run: `cargo run --example context_manager`
//!
//! Expected output (the golden transcript `context_manager.txt` beside this file; in real time
//! the stamps drift by a few milliseconds):
//! ```text
//! [+0.000s] guard: connecting
//! [+0.100s] guard: connection 1 open
//! [+0.300s] guard: 1 row for `SELECT name FROM users`
//! [+0.400s] guard: closed
//! ...
//! ```

use basics::{ConnectionError, Database, with_connection};
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let db = Database::default();

    // ANCHOR: guard
    t.line("guard: connecting");
    let span = t.span("guard: open");
    let mut conn = db.connect().await?;
    span.end();
    t.line(format!("guard: connection {} open", conn.id()));
    let span = t.span("guard: query");
    let rows = conn.query("SELECT name FROM users").await?;
    span.end();
    t.line(format!("guard: {rows}"));
    let span = t.span("guard: close");
    conn.close().await; // consumes the guard: it cannot be used after this line
    span.end();
    t.line("guard: closed");
    // ANCHOR_END: guard

    // ANCHOR: scoped
    t.line("with_connection: a body that succeeds");
    let span = t.span("scoped ok");
    let rows: Result<String, ConnectionError> =
        with_connection(&db, async |conn| conn.query("SELECT 1").await).await;
    span.end();
    t.line(format!("with_connection: {rows:?}, connection closed"));

    t.line("with_connection: a body that fails after its query");
    let span = t.span("scoped error");
    let failed: anyhow::Result<()> = with_connection(&db, async |conn| {
        conn.query("SELECT * FROM missing").await?;
        anyhow::bail!("table `missing` is empty")
    })
    .await;
    span.end_with('x');
    match failed {
        Err(error) => t.line(format!(
            "with_connection: Err({error}), connection closed anyway"
        )),
        Ok(()) => anyhow::bail!("the body was meant to fail"),
    }
    // ANCHOR_END: scoped

    // ANCHOR: dropped
    t.line("a guard dropped without close");
    let span = t.span("open, drop");
    let conn = db.connect().await?;
    drop(conn); // Drop cannot await: the synchronous fallback marks it abandoned
    span.end_with('!');
    t.line(format!("stats: {:?}", db.stats()));
    // ANCHOR_END: dropped
    t.print_timeline();
    Ok(())
}
