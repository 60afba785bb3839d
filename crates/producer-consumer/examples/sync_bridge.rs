//! Sync to async bridge: a real `std::thread` reads a (built-in) log and feeds its lines through
//! a queue of 2 to two async consumers that count words. The thread blocks when the queue is
//! full; the consumers never block the runtime. Which consumer took which line depends on thread
//! timing, so the transcript prints only totals.
//!
//! Run: `cargo run --example sync_bridge`
//!
//! Expected output (the golden transcript `sync_bridge.txt` beside this file):
//! ```text
//! [+0.000s] feeder thread started
//! [+0.000s] consumers done: 6 lines, 23 words
//! [+0.000s] feeder thread returned: sent 6 lines
//! ```

use producer_consumer::sync_bridge;
use testing::Transcript;
use tokio::task::JoinSet;

const LOG: &str = "GET /home 200
GET /about 200
POST /login 302 redirect to home
GET /home 200
GET /missing 404 not found
GET /home 200";

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    // The thread side: plain blocking code, no runtime, no `.await`.
    let (feeder, lines) = sync_bridge::spawn_feeder(2, |tx| {
        let mut sent = 0;
        for line in LOG.lines() {
            if tx.send_blocking(line.to_owned()).is_err() {
                break; // every consumer is gone
            }
            sent += 1;
        }
        sent
    })?;
    t.line("feeder thread started");

    // The async side: two consumers share the receiving end.
    let mut consumers = JoinSet::new();
    for _ in 0..2 {
        let lines = lines.clone();
        consumers.spawn(async move {
            let (mut count, mut words) = (0, 0);
            while let Some(line) = lines.recv().await {
                count += 1;
                words += line.split_whitespace().count();
            }
            (count, words)
        });
    }
    drop(lines);
    let (mut count, mut words) = (0, 0);
    while let Some(joined) = consumers.join_next().await {
        let (c, w) = joined?;
        (count, words) = (count + c, words + w);
    }
    t.line(format!("consumers done: {count} lines, {words} words"));
    let sent = feeder.join().await?;
    t.line(format!("feeder thread returned: sent {sent} lines"));
    // ANCHOR_END: main
    Ok(())
}
