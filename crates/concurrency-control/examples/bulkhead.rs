//! Bulkhead: 2 running, 2 waiting, the rest rejected. Six calls of 1 s arrive at once: two run,
//! two wait and run at +1 s, two are rejected at once. Then, with no waiting room at all, two
//! calls still run (the Python rendition's defect 5 rejects them).
//!
//! Run: `cargo run --example bulkhead`
//!
//! Expected output (the golden transcript `bulkhead.txt` beside this file).

use std::time::Duration;

use concurrency_control::{Bulkhead, BulkheadConfig};
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

// ANCHOR: call
async fn call(t: Transcript, bulkhead: &Bulkhead, id: u32) {
    let outcome = bulkhead
        .run(async {
            let _span = t.span(format!("call {id}"));
            t.line(format!(
                "call {id} runs ({} running, {} waiting)",
                bulkhead.running(),
                bulkhead.waiting()
            ));
            tokio::time::sleep(Duration::from_secs(1)).await;
        })
        .await;
    match outcome {
        Ok(()) => t.line(format!("call {id} done")),
        Err(rejected) => t.line(format!("call {id} rejected: {rejected}")),
    }
}
// ANCHOR_END: call

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let bulkhead = Bulkhead::new(BulkheadConfig {
        max_running: 2,
        max_waiting: 2,
        max_wait: Duration::from_millis(1_500),
    })?;
    t.line("6 calls of 1s: 2 running, 2 waiting (at most 1.5s), the rest rejected");
    futures::future::join_all((1..=6).map(|id| call(t.clone(), &bulkhead, id))).await;

    let no_waiting_room = Bulkhead::new(BulkheadConfig {
        max_running: 2,
        max_waiting: 0,
        ..BulkheadConfig::default()
    })?;
    t.line("no waiting room: 3 calls, 2 still run");
    futures::future::join_all((7..=9).map(|id| call(t.clone(), &no_waiting_room, id))).await;
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
