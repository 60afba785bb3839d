//! Chunking: a burst of 25 events (5 ms apart) then a trickle of 4 (60 ms apart), grouped by 10
//! with `chunks`, then by 10 or every 100 ms with `chunks_timeout`.
//!
//! Run: `cargo run --example chunking`
//!
//! Expected output (the golden transcript `chunking.txt` beside this file):
//! ```text
//! [+0.000s] chunks(10)
//! [+0.050s] chunk of 10: 1..=10
//! ...
//! ```

use std::time::Duration;

use futures::{Stream, StreamExt};
use testing::Transcript;
use tokio::time::Instant;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

// ANCHOR: events
/// 25 events 5 ms apart, a 100 ms pause, then 4 events 60 ms apart.
fn events() -> impl Stream<Item = u32> {
    async_stream::stream! {
        // Each event at its own deadline from the start: 29 `sleep(gap)`s in a row would add
        // every late wake-up of the real clock to the next (about 1 ms each).
        let start = Instant::now();
        let mut at = Duration::ZERO;
        for id in 1..=29 {
            let gap = match id {
                1..=25 => 5,
                26 => 100,
                _ => 60,
            };
            at += Duration::from_millis(gap);
            tokio::time::sleep_until(start + at).await;
            yield id;
        }
    }
}
// ANCHOR_END: events

fn describe(chunk: &[u32]) -> String {
    match (chunk.first(), chunk.last()) {
        (Some(first), Some(last)) => format!("chunk of {}: {first}..={last}", chunk.len()),
        _ => "empty chunk".to_owned(),
    }
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("chunks(10): by size only");
    let mut by_size = Box::pin(streams::chunks(events(), 10)?);
    while let Some(chunk) = by_size.next().await {
        t.line(describe(&chunk));
    }

    // A fresh transcript restarts the stamps at +0.000s for the second run.
    let t = Transcript::to_stdout();
    t.line("chunks_timeout(10, 100 ms): by size or time");
    let mut by_size_or_time = Box::pin(streams::chunks_timeout(
        events(),
        10,
        Duration::from_millis(100),
    )?);
    while let Some(chunk) = by_size_or_time.next().await {
        t.line(describe(&chunk));
    }
    // ANCHOR_END: main
    Ok(())
}
