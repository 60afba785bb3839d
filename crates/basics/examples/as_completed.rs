//! As completed: five downloads of different lengths, each result printed the moment it is
//! ready (completion order), first on the current task, then as spawned tasks; and, for
//! contrast, handles awaited in a loop (input order: a fast result waits behind a slow one).
//!
//! Run: `cargo run --example as_completed`
//!
//! Expected output (the golden transcript `as_completed.txt` beside this file; in real time the
//! stamps drift by a few milliseconds):
//! ```text
//! [+0.000s] as_completed: 5 downloads on the current task
//! [+0.100s]   file 2 ready (input index 1)
//! [+0.200s]   file 4 ready (input index 3)
//! ...
//! ```

use std::time::Duration;

use futures::StreamExt;
use testing::Transcript;

/// How long each file takes, in input order.
const DELAYS_MS: [u64; 5] = [300, 100, 500, 200, 400];

// ANCHOR: download
/// A stand-in for a download whose length depends on the file.
async fn download(t: Transcript, label: String, ms: u64) -> String {
    let _span = t.span(label.clone());
    tokio::time::sleep(Duration::from_millis(ms)).await;
    label
}
// ANCHOR_END: download

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("as_completed: 5 downloads on the current task");
    let downloads = (1..)
        .zip(DELAYS_MS)
        .map(|(n, ms)| download(t.clone(), format!("file {n}"), ms));
    let mut done = basics::as_completed(downloads);
    while let Some((index, file)) = done.next().await {
        t.line(format!("  {file} ready (input index {index})"));
    }
    // ANCHOR_END: main

    // ANCHOR: spawned
    t.line("spawn_as_completed: the same, one task each (JoinSet::join_next)");
    let downloads = (1..)
        .zip(DELAYS_MS)
        .map(|(n, ms)| download(t.clone(), format!("task {n}"), ms));
    let mut done = basics::spawn_as_completed(downloads);
    while let Some(joined) = done.next().await {
        let (index, file) = joined?;
        t.line(format!("  {file} ready (input index {index})"));
    }
    // ANCHOR_END: spawned

    // ANCHOR: input_order
    t.line("for contrast: awaiting the handles in a loop gives input order");
    let handles: Vec<_> = (1..)
        .zip(DELAYS_MS)
        .map(|(n, ms)| tokio::spawn(download(t.clone(), format!("handle {n}"), ms)))
        .collect();
    for (handle, ms) in handles.into_iter().zip(DELAYS_MS) {
        let file = handle.await?;
        t.line(format!("  {file} (it was ready {ms} ms after the start)"));
    }
    // ANCHOR_END: input_order
    t.print_timeline();
    Ok(())
}
