//! Forgotten `.await`: a save bound to a name and never awaited does nothing; a spawned save
//! whose handle is dropped runs on unobserved; awaited, both are done when they return.
//!
//! Run: `cargo run --example forgotten_await`
//!
//! Expected output: the golden transcript `forgotten_await.txt` beside this file.

use std::time::Duration;

use pitfalls::forgotten_await::{self, SAVE_TIME, Store};
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let store = Store::new();
    t.line("wrong: `let _pending = store.save(..)`, never awaited");
    forgotten_await::save_forgotten(&store, "order 1").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    t.line(format!("  a second later, saved: {:?}", store.saved()));

    t.line("wrong: spawned, and the JoinHandle dropped");
    forgotten_await::save_detached(&store, "order 2");
    t.line(format!("  the caller returned; saved: {:?}", store.saved()));
    tokio::time::sleep(SAVE_TIME * 2).await;
    t.line(format!(
        "  the detached task saved it later, and nobody was told: {:?}",
        store.saved()
    ));

    t.line("right: awaited");
    forgotten_await::save(&store, "order 3").await;
    t.line(format!("  saved: {:?}", store.saved()));

    t.line("right: spawned, and the JoinHandle awaited");
    forgotten_await::spawn_save(&store, "order 4").await?;
    t.line(format!(
        "  the task ended without a panic; saved: {:?}",
        store.saved()
    ));
    Ok(())
}
