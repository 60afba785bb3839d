//! Concurrent map: 8 fetches of 0.2 s with at most 4 in flight, ordered and unordered; then the
//! buffered-stream stall (a slow consumer loop starves the downloads, whose timeouts fire) and
//! its cure (`map_spawned`).
//!
//! Run: `cargo run --example concurrent_map`
//!
//! Expected output (the golden transcript `concurrent_map.txt` beside this file):
//! ```text
//! [+0.000s] ordered, limit 4
//! ...
//! ```

use std::pin::pin;
use std::time::Duration;

use futures::StreamExt;
use testing::Transcript;
use tokio::time::{sleep, timeout};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

// ANCHOR: fetch
/// A stand-in for an HTTP call of 0.2 s; item 3 is slow (0.3 s).
async fn fetch(t: Transcript, id: u32) -> String {
    let _span = t.span(format!("fetch {id}"));
    let ms = if id == 3 { 300 } else { 200 };
    sleep(Duration::from_millis(ms)).await;
    format!("item-{id}")
}

/// A download in steps: connect (0.1 s), then `chunks` reads of 0.05 s, all under the 0.35 s
/// timeout a client library would set. Each step needs a poll to start the next one.
async fn download(t: Transcript, id: u32, chunks: u32) -> String {
    let span = t.span(format!("download {id}"));
    let steps = async {
        sleep(Duration::from_millis(100)).await; // connect
        for _ in 0..chunks {
            sleep(Duration::from_millis(50)).await; // read a chunk
        }
    };
    match timeout(Duration::from_millis(350), steps).await {
        Ok(()) => format!("download {id} ok"),
        Err(_) => {
            span.end_with('x');
            format!("download {id} TIMED OUT")
        }
    }
}
// ANCHOR_END: fetch

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: ordered
    t.line("ordered, limit 4: item 3 is slow, 4..8 wait behind it");
    let mut results = pin!(streams::map_ordered(
        futures::stream::iter(1..=8),
        4,
        |id| fetch(t.clone(), id)
    )?);
    while let Some(item) = results.next().await {
        t.line(format!("got {item}"));
    }
    // ANCHOR_END: ordered
    t.print_timeline();
    // A fresh transcript restarts the stamps at +0.000s, so each timeline shows one run.
    let t = Transcript::to_stdout();
    // ANCHOR: unordered
    t.line("unordered, limit 4: results as they complete");
    let done: Vec<String> =
        streams::map_unordered(futures::stream::iter(1..=8), 4, |id| fetch(t.clone(), id))?
            .collect()
            .await;
    t.line(format!("got {}", done.join(", ")));
    // ANCHOR_END: unordered

    t.print_timeline();
    let t = Transcript::to_stdout();
    // ANCHOR: stall
    t.line("stall: limit 2, 0.3 s of work in the consumer loop, downloads on the same task");
    let sizes = futures::stream::iter([(1, 1), (2, 4), (3, 1), (4, 4)]);
    let mut results = pin!(streams::map_ordered(sizes, 2, |(id, chunks)| {
        download(t.clone(), id, chunks)
    })?);
    while let Some(outcome) = results.next().await {
        t.line(outcome);
        sleep(Duration::from_millis(300)).await; // the consumer's own work
    }
    // ANCHOR_END: stall
    t.print_timeline();
    // A fresh transcript restarts the stamps at +0.000s, so each timeline shows one run.
    let t = Transcript::to_stdout();
    // ANCHOR: spawned
    t.line("fixed: the same loop over map_spawned; each download runs on its own task");
    let sizes = futures::stream::iter([(1, 1), (2, 4), (3, 1), (4, 4)]);
    let mut results = pin!(streams::map_spawned(sizes, 2, |(id, chunks)| {
        download(t.clone(), id, chunks)
    })?);
    while let Some(outcome) = results.next().await {
        t.line(outcome?); // `?` on a `TaskFailed`: the download panicked
        sleep(Duration::from_millis(300)).await;
    }
    // ANCHOR_END: spawned
    t.print_timeline();
    Ok(())
}
