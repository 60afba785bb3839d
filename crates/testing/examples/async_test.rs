//! Async tests: what `#[tokio::test]` builds, and what each flavor lets a test do.
//!
//! Run: `cargo run --example async_test` (it finishes at once: the hour of sleep is on a paused
//! runtime of its own, the one `#[tokio::test(start_paused = true)]` builds, so a person running
//! the example on the real clock sees the same lines as the golden transcript).
//!
//! Expected output (the golden transcript `async_test.txt` beside this file):
//! ```text
//! [+0.000s] this body runs on a current_thread runtime
//! [+0.000s] an Rc moved into spawn_local gave 42
//! [+0.000s] a paused runtime slept one hour: its clock moved 3600 s in under a second of real time
//! ...
//! ```

use std::rc::Rc;
use std::time::Duration;

use testing::Transcript;
use testing::async_test::{flavor, paused_clock_builds_on, task_runs_during_a_block};
use tokio::runtime::RuntimeFlavor;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line(format!(
        "this body runs on a {} runtime",
        flavor().unwrap_or("no")
    ));

    // A `!Send` value: fine in the body, and in a task spawned on a `LocalSet`.
    let local = tokio::task::LocalSet::new();
    let shared = Rc::new(41);
    let answer = local
        .run_until(async move { tokio::task::spawn_local(async move { *shared + 1 }).await })
        .await?;
    t.line(format!("an Rc moved into spawn_local gave {answer}"));

    // An hour of sleep on a paused runtime, the one `#[tokio::test(start_paused = true)]`
    // builds: its clock jumps to the timer, so the hour takes no real time. It runs on a blocking
    // thread (a runtime cannot be driven from inside another), and this transcript's stamps do
    // not move.
    let real = std::time::Instant::now();
    let slept = tokio::task::spawn_blocking(|| {
        testing::paused_runtime().block_on(async {
            let start = tokio::time::Instant::now();
            tokio::time::sleep(Duration::from_secs(3_600)).await;
            start.elapsed()
        })
    })
    .await?;
    let real = if real.elapsed() < Duration::from_secs(1) {
        "under a second"
    } else {
        "over a second (a very busy machine)"
    };
    t.line(format!(
        "a paused runtime slept one hour: its clock moved {} s in {real} of real time",
        slept.as_secs()
    ));

    t.line(format!(
        "a paused clock builds on current_thread: {}, on multi_thread: {}",
        paused_clock_builds_on(RuntimeFlavor::CurrentThread),
        paused_clock_builds_on(RuntimeFlavor::MultiThread)
    ));

    // Blocking this thread for 20 ms: the spawned task cannot run meanwhile.
    let ran = task_runs_during_a_block(Duration::from_millis(20));
    t.line(format!(
        "current_thread: the task ran during a block: {ran}"
    ));

    // The same on a 2-worker runtime, built on a thread of its own (a runtime cannot be
    // started from inside another).
    // Its answer comes back on a oneshot channel, so this runtime awaits it instead of
    // blocking on `JoinHandle::join`.
    let (answer_tx, answer_rx) = tokio::sync::oneshot::channel();
    let _thread = std::thread::spawn(move || {
        let answer = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .map(|runtime| {
                runtime.block_on(async { task_runs_during_a_block(Duration::from_secs(5)) })
            });
        let _ = answer_tx.send(answer);
    });
    let on_workers = answer_rx
        .await
        .map_err(|_| anyhow::anyhow!("the thread panicked"))??;
    t.line(format!(
        "multi_thread: the task ran during a block: {on_workers}"
    ));
    // ANCHOR_END: main
    Ok(())
}
