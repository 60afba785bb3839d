//! Gather: five users fetched concurrently, 0.5 s each, all done at +0.5 s (not +2.5 s).
//!
//! Run: `cargo run --example gather`
//!
//! Expected output (the golden transcript `gather.txt` beside this file; in real time the stamps
//! drift by a few milliseconds):
//! ```text
//! [+0.000s] fetching 5 users concurrently
//! [+0.500s] fetched user-1, user-2, user-3, user-4, user-5
//! timeline (1 column = 10ms, # running, x failed, ! cancelled)
//! user 1  |##################################################|
//! ...
//! ```

use std::time::Duration;

use testing::Transcript;

// ANCHOR: fetch_user
/// A stand-in for an HTTP call that takes 0.5 s.
async fn fetch_user(t: Transcript, id: u32) -> String {
    let _span = t.span(format!("user {id}"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    format!("user-{id}")
}
// ANCHOR_END: fetch_user

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("fetching 5 users concurrently");
    let users = basics::gather((1..=5).map(|id| fetch_user(t.clone(), id))).await;
    t.line(format!("fetched {}", users.join(", ")));
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
