//! Cancellation and cleanup: a worker loop is stopped three ways (a cooperative token with async
//! cleanup, abort + await with a drop guard, and a dropped future), and each cleans up.
//!
//! Run: `cargo run --example cancellation`
//!
//! Expected output: the golden transcript `cancellation.txt` beside this file.

use std::time::Duration;

use basics::TaskFailed;
use errors_timeouts::{on_drop, stop_task};
use testing::Transcript;
use tokio_util::sync::CancellationToken;

// ANCHOR: worker
/// Handles one job every 0.3 s until the token is cancelled, then closes its connection (async
/// cleanup, which a drop guard could not do).
async fn worker(t: Transcript, token: CancellationToken) -> u32 {
    let mut handled = 0;
    loop {
        tokio::select! {
            // Checked first, so a cancelled worker takes no new job.
            biased;
            () = token.cancelled() => break,
            () = tokio::time::sleep(Duration::from_millis(300)) => handled += 1,
        }
    }
    t.line(format!(
        "worker: stop requested after {handled} jobs, closing the connection"
    ));
    tokio::time::sleep(Duration::from_millis(100)).await;
    t.line("worker: connection closed");
    handled
}
// ANCHOR_END: worker

// ANCHOR: guarded
/// A loop with no cancellation point of its own: its cleanup is a drop guard, which runs however
/// the task ends.
async fn guarded(t: Transcript) {
    let _cleanup = on_drop({
        let t = t.clone();
        move || t.line("guarded: dropped at its .await, temp file removed")
    });
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
// ANCHOR_END: guarded

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("1. CancellationToken: ask the worker to stop, it cleans up and returns");
    let token = CancellationToken::new();
    let task = tokio::spawn(worker(t.clone(), token.clone()));
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    token.cancel();
    let handled = task.await?;
    t.line(format!("main: worker returned {handled}"));

    t.line("2. abort + await: the task is dropped at its next .await");
    let task = tokio::spawn(guarded(t.clone()));
    tokio::time::sleep(Duration::from_millis(500)).await;
    match stop_task(task).await {
        Err(TaskFailed::Cancelled { .. }) => t.line("main: the task has stopped"),
        Ok(()) | Err(TaskFailed::Panicked { .. }) => t.line("main: unexpected end"),
    }

    t.line("3. a dropped future: a timeout around the same loop");
    let outcome = tokio::time::timeout(Duration::from_millis(500), guarded(t.clone())).await;
    t.line(format!("main: timed out = {}", outcome.is_err()));
    // ANCHOR_END: main
    Ok(())
}
