//! Worker pool: 3 workers, at most 4 jobs in flight, 8 jobs of uneven length (job 5 fails).
//! Results come back in completion order, then, in a second run, in submission order.
//!
//! Run: `cargo run --example worker_pool`
//!
//! Expected output (the golden transcript `worker_pool.txt` beside this file):
//! ```text
//! unordered: results as they finish
//! [+0.100s] job 3 -> ok: 9
//! ...
//! ```

use std::time::Duration;

use producer_consumer::worker_pool::{self, WorkerPool, WorkerPoolConfig};
use testing::Transcript;
use tokio::time::sleep;

// ANCHOR: work
/// Job `n` takes (n % 3 + 1) × 100 ms; job 5 fails.
async fn square(t: Transcript, n: u64) -> Result<u64, String> {
    let _span = t.span(format!("job {n}"));
    sleep(Duration::from_millis(100 * (n % 3 + 1))).await;
    if n == 5 {
        return Err(format!("job {n}: bad input"));
    }
    Ok(n * n)
}
// ANCHOR_END: work

/// Submits jobs 1..=8 from its own task, so that the caller can read results meanwhile.
fn submit_all(pool: WorkerPool<u64>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        for n in 1..=8 {
            if pool.submit(n).await.is_err() {
                return;
            }
        }
        // `pool` drops here: the input closes and the workers drain what was accepted.
    })
}

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let config = WorkerPoolConfig {
        workers: 3,
        capacity: 4,
    };
    t.raw("unordered: results as they finish");
    // ANCHOR: unordered
    let work = {
        let t = t.clone();
        move |n| square(t.clone(), n)
    };
    let (pool, mut results) = worker_pool::spawn(config, work)?;
    let submitter = submit_all(pool);
    while let Some(done) = results.recv().await {
        match done.output {
            Ok(Ok(square)) => t.line(format!("job {} -> ok: {square}", done.index + 1)),
            Ok(Err(error)) => t.line(format!("job {} -> failed: {error}", done.index + 1)),
            Err(panicked) => t.line(format!("job {} -> {panicked}", done.index + 1)),
        }
    }
    submitter.await?;
    // ANCHOR_END: unordered
    t.print_timeline();

    t.raw("");
    t.raw("ordered: the same jobs, results in submission order");
    let t = Transcript::to_stdout();
    // ANCHOR: ordered
    let work = {
        let t = t.clone();
        move |n| square(t.clone(), n)
    };
    let (pool, results) = worker_pool::spawn(config, work)?;
    let submitter = submit_all(pool);
    let mut ordered = results.ordered();
    while let Some(done) = ordered.recv().await {
        let outcome = done.output?;
        t.line(format!("job {} -> {outcome:?}", done.index + 1));
    }
    submitter.await?;
    // ANCHOR_END: ordered
    Ok(())
}
