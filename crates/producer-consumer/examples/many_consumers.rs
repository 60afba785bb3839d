//! Many consumers: 4 workers share one queue of 12 jobs of uneven length, first through an MPMC
//! queue whose receiver clones, then through tokio's single-consumer `mpsc` with a shared
//! receiver. Each job goes to exactly one worker; a worker that finishes early takes the next one.
//!
//! Run: `cargo run --example many_consumers`
//!
//! Expected output (the golden transcript `many_consumers.txt` beside this file):
//! ```text
//! MPMC queue (async-channel): receivers clone
//! [+0.000s] w1 took job 1 (210ms)
//! ...
//! ```

use std::time::Duration;

use producer_consumer::{bounded_queue, many_consumers};
use testing::Transcript;
use tokio::task::JoinSet;
use tokio::time::sleep;

/// Job `n` takes 100 ms, 200 ms or 300 ms of work, plus 10 ms per job number: no two workers
/// finish at the same instant, so which one takes the next job is the same on every run (two
/// workers that finish together would race for it on the real clock).
fn cost(job: u64) -> Duration {
    Duration::from_millis(100 * (job % 3 + 1) + 10 * job)
}

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.raw("MPMC queue (async-channel): receivers clone");
    // ANCHOR: mpmc
    let (tx, rx) = bounded_queue::channel(4)?;
    let mut workers = JoinSet::new();
    for name in ["w1", "w2", "w3", "w4"] {
        let (rx, t) = (rx.clone(), t.clone());
        workers.spawn(async move {
            let mut jobs = Vec::new();
            while let Some(job) = rx.recv().await {
                t.line(format!(
                    "{name} took job {job} ({}ms)",
                    cost(job).as_millis()
                ));
                sleep(cost(job)).await;
                jobs.push(job);
            }
            (name, jobs)
        });
    }
    for job in 1..=12 {
        tx.send(job).await?;
    }
    drop(tx);
    // ANCHOR_END: mpmc
    report(&t, workers).await?;

    t.raw("");
    t.raw("tokio mpsc + shared receiver: one Receiver behind a tokio Mutex");
    let t = Transcript::to_stdout();
    // ANCHOR: shared
    let (tx, rx) = many_consumers::shared_channel(4)?;
    let mut workers = JoinSet::new();
    for name in ["w1", "w2", "w3", "w4"] {
        let (rx, t) = (rx.clone(), t.clone());
        workers.spawn(async move {
            let mut jobs = Vec::new();
            // The lock is taken and released inside `recv`: never held while working.
            while let Some(job) = rx.recv().await {
                t.line(format!(
                    "{name} took job {job} ({}ms)",
                    cost(job).as_millis()
                ));
                sleep(cost(job)).await;
                jobs.push(job);
            }
            (name, jobs)
        });
    }
    for job in 1..=12 {
        tx.send(job).await?;
    }
    drop(tx);
    // ANCHOR_END: shared
    report(&t, workers).await
}

async fn report(
    t: &Transcript,
    mut workers: JoinSet<(&'static str, Vec<u64>)>,
) -> anyhow::Result<()> {
    let mut done = Vec::new();
    while let Some(joined) = workers.join_next().await {
        done.push(joined?);
    }
    done.sort();
    t.line("queue drained, every worker returned");
    for (name, jobs) in done {
        let busy: Duration = jobs.iter().map(|&job| cost(job)).sum();
        t.raw(format!(
            "  {name}: jobs {jobs:?}, busy {}ms",
            busy.as_millis()
        ));
    }
    Ok(())
}
