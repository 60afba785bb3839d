//! Throttle and per-item timeout: 8 ready items let through at 5 a second; then a source that
//! sends 3 readings 0.1 s apart and stalls, given up after 0.5 s without an item.
//!
//! Run: `cargo run --example throttle`
//!
//! Expected output (the golden transcript `throttle.txt` beside this file):
//! ```text
//! [+0.000s] 8 items ready at once, throttled to 5 a second
//! [+0.000s] item 1
//! [+0.200s] item 2
//! ...
//! ```

use std::time::Duration;

use futures::{Stream, StreamExt};
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

// ANCHOR: stalling
/// Three readings 0.1 s apart, then nothing, ever (a hung upstream connection).
fn stalling_source() -> Result<impl Stream<Item = u32>, basics::ConfigError> {
    Ok(streams::numbers(3, Duration::from_millis(100))?.chain(futures::stream::pending()))
}
// ANCHOR_END: stalling

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("8 items ready at once, throttled to 5 a second");
    let mut items = Box::pin(streams::throttle(futures::stream::iter(1..=8), 5)?);
    while let Some(item) = items.next().await {
        t.line(format!("item {item}"));
    }

    t.line("a source that stalls after 3 readings, 0.5 s per-item timeout");
    let mut readings = Box::pin(streams::until_stalled(
        stalling_source()?,
        Duration::from_millis(500),
    )?);
    while let Some(reading) = readings.next().await {
        match reading {
            Ok(value) => t.line(format!("reading {value}")),
            Err(stalled) => t.line(format!("gave up: {stalled}")),
        }
    }
    t.line("stream ended; the stalled source was dropped");
    // ANCHOR_END: main
    Ok(())
}
