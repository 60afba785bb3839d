//! Read/write lock: three readers share the lock, a writer waits for them, and a reader that
//! arrives after the writer queues behind it (tokio's RwLock is fair).
//!
//! Run: `cargo run --example read_write_lock`
//!
//! Expected output (the golden transcript `read_write_lock.txt` beside this file): readers 1-3
//! read together from +0.000s to +0.100s, the writer holds the lock from +0.100s to +0.200s,
//! reader 4 (asked at +0.060s) reads at +0.200s and sees version 2.

use std::time::Duration;

use concurrency_control::SharedState;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

// ANCHOR: reader
async fn reader(t: Transcript, config: &SharedState<u32>, id: u32, arrive_ms: u64) {
    // No `sleep(0)` for the readers that arrive at once: on the real clock it waits for the
    // timer's next millisecond, and the timer may wake them in any order.
    if arrive_ms > 0 {
        tokio::time::sleep(Duration::from_millis(arrive_ms)).await;
        t.line(format!(
            "reader {id} asks for the lock (the writer is queued)"
        ));
    }
    let version = config.read().await;
    let _span = t.span(format!("reader {id}"));
    t.line(format!("reader {id} reads version {}", *version));
    tokio::time::sleep(Duration::from_millis(100)).await; // guard held across an `.await`
}
// ANCHOR_END: reader

async fn writer(t: Transcript, config: &SharedState<u32>) {
    tokio::time::sleep(Duration::from_millis(50)).await;
    t.line("writer asks for the lock");
    let mut version = config.write().await;
    let _span = t.span("writer");
    t.line("writer has the lock");
    tokio::time::sleep(Duration::from_millis(100)).await;
    *version += 1;
    t.line(format!("writer publishes version {}", *version));
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("readers 1-3 at +0s, the writer at +0.05s, reader 4 at +0.06s; each holds 0.1s");
    let config = SharedState::new(1u32);
    tokio::join!(
        reader(t.clone(), &config, 1, 0),
        reader(t.clone(), &config, 2, 0),
        reader(t.clone(), &config, 3, 0),
        writer(t.clone(), &config),
        reader(t.clone(), &config, 4, 60),
    );
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
