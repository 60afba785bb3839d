//! Micro-batching: 7 callers ask for single users; the batcher flushes at 3 requests or 50 ms
//! after a batch's first, calls the batch API once per batch (0.1 s), and each caller gets its
//! own user, including two callers asking for the same key.
//!
//! Run: `cargo run --example micro_batching`
//!
//! Expected output (the golden transcript `micro_batching.txt` beside this file).

use std::collections::HashMap;
use std::time::Duration;

use concurrency_control::{MicroBatcher, MicroBatcherConfig};
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("flush at 3 requests or 50ms after a batch's first; the batch call takes 0.1s");
    let api = t.clone();
    let config = MicroBatcherConfig {
        max_size: 3,
        max_delay: Duration::from_millis(50),
        queue: 64,
        max_batches: 4,
    };
    let users = MicroBatcher::spawn(config, move |ids: Vec<u32>| {
        let t = api.clone();
        async move {
            t.line(format!("batch call for ids {ids:?}"));
            tokio::time::sleep(Duration::from_millis(100)).await;
            Ok::<_, String>(
                ids.into_iter()
                    .map(|id| (id, format!("user-{id}")))
                    .collect::<HashMap<_, _>>(),
            )
        }
    })?;
    let caller = |id: u32, arrive_ms: u64| {
        let (users, t) = (&users, t.clone());
        async move {
            // No `sleep(0)` for the callers that arrive at once: on the real clock it waits for
            // the timer's next millisecond, which may wake them in any order (and batch [2, 1]).
            if arrive_ms > 0 {
                tokio::time::sleep(Duration::from_millis(arrive_ms)).await;
            }
            match users.call(id).await {
                Ok(user) => t.line(format!("caller for {id} got {user}")),
                Err(error) => t.line(format!("caller for {id} failed: {error}")),
            }
        }
    };
    tokio::join!(
        caller(1, 0),
        caller(2, 0),
        caller(3, 10), // third request: the batch is full, flushed at +0.010s
        caller(4, 20),
        caller(4, 30), // the same key twice in one batch: no deadlock, both answered
        caller(5, 200),
        caller(6, 210),
    );
    users.shutdown().await;
    // ANCHOR_END: main
    Ok(())
}
