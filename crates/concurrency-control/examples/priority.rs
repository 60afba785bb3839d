//! Priority: one worker serves a queue where routine jobs were queued first; urgent jobs pushed
//! later jump ahead of them. Then the same with one channel per priority and a `biased` select.
//!
//! Run: `cargo run --example priority`
//!
//! Expected output (the golden transcript `priority.txt` beside this file).

use std::time::Duration;

use concurrency_control::PriorityQueue;
use testing::Transcript;
use tokio::sync::mpsc;

const URGENT: u32 = 9;
const ROUTINE: u32 = 1;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("3 routine reports queued; one worker, 0.1s per job");
    let queue = PriorityQueue::new(16)?;
    for job in ["report 1", "report 2", "report 3"] {
        queue.push(ROUTINE, job).await?;
    }
    let worker = async {
        while let Some(job) = queue.pop().await {
            t.line(format!("worker runs {job}"));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let producer = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        t.line("urgent jobs arrive");
        queue.push(URGENT, "page outage").await?;
        queue.push(URGENT, "refund").await?;
        queue.close(); // the worker drains what is left, then stops
        anyhow::Ok(())
    };
    let ((), pushed) = tokio::join!(worker, producer);
    pushed?;
    // ANCHOR_END: main

    // ANCHOR: biased
    let (urgent_tx, mut urgent) = mpsc::channel(8);
    let (routine_tx, mut routine) = mpsc::channel(8);
    routine_tx.send("backup").await?;
    urgent_tx.send("alert").await?;
    drop((urgent_tx, routine_tx));
    loop {
        let job = tokio::select! {
            biased; // check `urgent` first, every time
            Some(job) = urgent.recv() => job,
            Some(job) = routine.recv() => job,
            else => break,
        };
        t.line(format!("biased select runs {job}"));
    }
    // ANCHOR_END: biased
    Ok(())
}
