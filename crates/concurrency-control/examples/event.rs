//! Event: three workers wait for a start signal set at +1 s; a worker that arrives later goes
//! straight through, because the event is latched.
//!
//! Run: `cargo run --example event`
//!
//! Expected output (the golden transcript `event.txt` beside this file): workers 1-3 start at
//! +1.000s together, worker 4 (arriving at +1.500s) starts at once.

use std::time::Duration;

use concurrency_control::Event;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

// ANCHOR: worker
async fn worker(t: Transcript, start: &Event, id: u32, arrive_ms: u64) {
    tokio::time::sleep(Duration::from_millis(arrive_ms)).await;
    t.line(format!("worker {id} waits for the start signal"));
    start.wait().await;
    t.line(format!("worker {id} started"));
}
// ANCHOR_END: worker

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let start = Event::new();
    let signal = async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        t.line("main sets the start signal");
        start.set();
    };
    tokio::join!(
        worker(t.clone(), &start, 1, 0),
        worker(t.clone(), &start, 2, 100),
        worker(t.clone(), &start, 3, 200),
        worker(t.clone(), &start, 4, 1_500), // after the set: goes straight through
        signal,
    );
    // ANCHOR_END: main
    Ok(())
}
