//! Spawn and await later: task 1 (2 s) and task 2 (1 s) start at once; main works 0.5 s, then
//! awaits them: task 2 is done at +1 s, task 1 at +2 s. Then a dropped `JoinHandle` detaches its
//! task, while an aborted handle or a dropped `OwnedTask` cancels it.
//!
//! Run: `cargo run --example spawn_and_await`
//!
//! Expected output (the golden transcript `spawn_and_await.txt` beside this file):
//! ```text
//! [+0.000s] spawned task 1 (2 s) and task 2 (1 s); main works for 0.5 s
//! [+0.500s] main: own work done, awaiting task 1
//! [+1.000s] task 2: done
//! [+2.000s] task 1: done
//! ...
//! ```

use std::time::Duration;

use basics::OwnedTask;
use testing::Transcript;
use tokio::time::sleep;

// ANCHOR: job
async fn job(t: Transcript, name: &'static str, secs: u64) -> String {
    // Ends with `!` on the timeline if the task is dropped (cancelled) at the `.await`.
    let span = t.task_span(name);
    sleep(Duration::from_secs(secs)).await;
    t.line(format!("{name}: done"));
    span.end();
    format!("result of {name}")
}
// ANCHOR_END: job

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let task1 = tokio::spawn(job(t.clone(), "task 1", 2));
    let task2 = tokio::spawn(job(t.clone(), "task 2", 1));
    t.line("spawned task 1 (2 s) and task 2 (1 s); main works for 0.5 s");

    let work = t.span("main work");
    sleep(Duration::from_millis(500)).await;
    work.end();
    t.line("main: own work done, awaiting task 1");

    let result1 = task1.await?;
    t.line(format!("main: got {result1:?}"));
    let result2 = task2.await?; // finished at +1 s: no wait
    t.line(format!("main: got {result2:?} at once"));
    // ANCHOR_END: main

    // ANCHOR: detach
    // Dropping a plain JoinHandle detaches: the task still runs to the end.
    drop(tokio::spawn(job(t.clone(), "detached", 1)));
    // `abort` cancels at the next `.await`; so does dropping an OwnedTask.
    let aborted = tokio::spawn(job(t.clone(), "aborted", 1));
    let owned = OwnedTask::spawn(job(t.clone(), "owned", 1));
    t.line("dropped a JoinHandle, spawned one to abort and an OwnedTask to drop");

    sleep(Duration::from_millis(300)).await;
    aborted.abort();
    drop(owned);
    t.line("aborted one handle and dropped the OwnedTask");

    sleep(Duration::from_secs(1)).await;
    t.line("only the detached task said it was done");
    // ANCHOR_END: detach
    t.print_timeline();
    Ok(())
}
