//! Barrier: three workers load for 0.1, 0.3 and 0.2 s, meet at the barrier, and start phase 2
//! together at +0.300s; one of them is told it is the leader.
//!
//! Run: `cargo run --example barrier`
//!
//! Expected output (the golden transcript `barrier.txt` beside this file).

use std::time::Duration;

use concurrency_control::Barrier;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("3 workers load for 0.1s, 0.3s and 0.2s, then meet");
    let barrier = Barrier::new(3)?;
    let worker = |id: u32, load_ms: u64| {
        let (barrier, t) = (&barrier, t.clone());
        async move {
            let load = t.span(format!("worker {id} load"));
            tokio::time::sleep(Duration::from_millis(load_ms)).await;
            load.end();
            t.line(format!("worker {id} loaded, waits at the barrier"));
            // ANCHOR: barrier_key
            let meeting = barrier.wait().await;
            if meeting.is_leader() {
                t.line("all 3 arrived: the leader logs phase 2 once");
            }
            // ANCHOR_END: barrier_key
            let _phase2 = t.span(format!("worker {id} phase 2"));
            tokio::time::sleep(Duration::from_millis(100)).await;
            t.line(format!("worker {id} finished phase 2"));
        }
    };
    tokio::join!(worker(1, 100), worker(2, 300), worker(3, 200));
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
