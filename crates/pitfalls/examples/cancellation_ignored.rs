//! Cancellation ignored: queries of 100 ms under a 50 ms timeout, on a pool of 2 connections.
//! With the connection given back on the last line, each cancelled query leaks one; with a Drop
//! guard, none does.
//!
//! Run: `cargo run --example cancellation_ignored`
//!
//! Expected output: the golden transcript `cancellation_ignored.txt` beside this file.

use pitfalls::cancellation_ignored::{self, Pool};
use testing::{Transcript, ms};
use tokio::time::timeout;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.line("wrong: the connection is given back on the last line");
    let pool = Pool::new(2)?;
    for query in 1..=2 {
        let outcome = timeout(
            ms(50),
            cancellation_ignored::query_cleanup_at_end(&pool, ms(100)),
        )
        .await;
        t.line(format!("  query {query}: {}", describe(outcome.is_ok())));
    }
    t.line(format!(
        "  connections available: {} of 2",
        pool.available()
    ));
    match cancellation_ignored::query_cleanup_at_end(&pool, ms(10)).await {
        Ok(()) => t.line("  next query: done"),
        Err(error) => t.line(format!("  next query: {error}")),
    }

    t.line("right: a Drop guard gives the connection back");
    let pool = Pool::new(2)?;
    for query in 1..=2 {
        let outcome = timeout(ms(50), cancellation_ignored::query(&pool, ms(100))).await;
        t.line(format!("  query {query}: {}", describe(outcome.is_ok())));
    }
    t.line(format!(
        "  connections available: {} of 2",
        pool.available()
    ));
    match cancellation_ignored::query(&pool, ms(10)).await {
        Ok(()) => t.line("  next query: done"),
        Err(error) => t.line(format!("  next query: {error}")),
    }
    Ok(())
}

fn describe(finished: bool) -> &'static str {
    if finished {
        "done"
    } else {
        "timed out (cancelled at its .await)"
    }
}
