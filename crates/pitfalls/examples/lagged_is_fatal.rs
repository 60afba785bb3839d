//! Lagged treated as fatal: a publisher sends 20 prices, one every 10 ms, on a broadcast channel
//! of capacity 4; a subscriber takes 55 ms per message. Stopping at the first error, it leaves
//! after one message; counting `Lagged` and going on, it reads to the end.
//!
//! Run: `cargo run --example lagged_is_fatal`
//!
//! Expected output: the golden transcript `lagged_is_fatal.txt` beside this file.

use pitfalls::lagged_is_fatal;
use testing::{Transcript, ms};
use tokio::sync::broadcast;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.line("20 messages, one every 10 ms, capacity 4; a subscriber taking 55 ms per message");
    let (tx, rx) = broadcast::channel(4);
    let (delivered, received) = tokio::join!(
        lagged_is_fatal::publish(tx, 20, ms(10)),
        lagged_is_fatal::subscribe_until_error(rx, ms(55)),
    );
    t.line(format!(
        "wrong: `while let Ok(m) = rx.recv().await`: received {received:?}, then left; {} of 20 sent while a subscriber was there",
        delivered?
    ));

    let (tx, rx) = broadcast::channel(4);
    let (delivered, received) = tokio::join!(
        lagged_is_fatal::publish(tx, 20, ms(10)),
        lagged_is_fatal::subscribe(rx, ms(55)),
    );
    t.line(format!(
        "right: Lagged counted, the loop goes on: received {} (last {:?}), skipped {}; {} of 20 sent to it",
        received.messages.len(),
        received.messages.last(),
        received.skipped,
        delivered?
    ));
    Ok(())
}
