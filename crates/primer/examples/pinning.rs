//! Pinning for select! and streams: a deadline created once and pinned fires at +0.35 s among
//! ticks every 0.1 s; written inside `select!` it restarts on every turn and never fires; a stream
//! from an `async` block is pinned before `next()`.
//!
//! Run: `cargo run -p primer --example pinning`
//!
//! Expected output (the golden transcript `pinning.txt` beside this file):
//! ```text
//! [+0.350s] pinned: deadline fired after 3 ticks
//! ...
//! ```

use std::time::Duration;

use primer::pinning;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let note = t.line_writer();
    let (tick, deadline) = (Duration::from_millis(100), Duration::from_millis(350));
    pinning::pinned_deadline(tick, deadline, note.clone()).await;
    pinning::restarted_deadline(tick, deadline, 6, note).await;
    let sum = pinning::sum_stream(4, Duration::from_millis(50)).await;
    t.line(format!("pinned stream: 1 + 2 + 3 + 4 = {sum}"));
    Ok(())
}
