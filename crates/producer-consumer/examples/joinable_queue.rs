//! Joinable queue: 8 jobs and 3 consumers; job 3 fails with an error and job 6 panics its
//! consumer mid-item. `join` still returns, because a job's "done" is a guard that fires on drop.
//! Then a second queue whose only consumer panics with jobs still queued: `join` reports them
//! unfinished instead of waiting forever. The panics are deliberate and silenced
//! (`testing::QuietPanics`); the transcript says what happened.
//!
//! Run: `cargo run --example joinable_queue`
//!
//! Expected output (the golden transcript `joinable_queue.txt` beside this file):
//! ```text
//! [+0.000s] put 8 jobs
//! ...
//! [+0.300s] join returned: 6 done, 2 failed, 0 unfinished
//! ...
//! ```

use std::time::Duration;

use producer_consumer::joinable_queue::{Consumer, JoinableQueue};
use testing::{QuietPanics, Transcript};
use tokio::task::JoinSet;
use tokio::time::sleep;

// ANCHOR: consumer
async fn consumer(t: Transcript, name: &'static str, jobs: Consumer<u32>) {
    while let Some(job) = jobs.get().await {
        // A task span: if this consumer is cancelled mid-job, the span ends with `!`.
        let span = t.task_span(format!("{name} job {}", *job));
        sleep(Duration::from_millis(100)).await;
        match *job {
            3 => {
                t.line(format!("{name}: job 3 failed; its guard marks it finished"));
                span.end_with('x');
                continue; // `job` drops here without `done()`: counted as failed
            }
            6 => {
                t.line(format!(
                    "{name}: job 6 panics mid-item; unwinding drops its guard"
                ));
                span.end_with('x');
                panic!("job 6 brings its consumer down");
            }
            id => t.line(format!("{name}: job {id} done")),
        }
        span.end();
        job.done();
    }
}
// ANCHOR_END: consumer

fn main() -> anyhow::Result<()> {
    // The consumers' panics are part of the lesson: no panic message or backtrace on stderr.
    let _quiet = QuietPanics::new();
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let queue = JoinableQueue::new(10)?;
    for id in 1..=8 {
        queue.put(id).await?;
    }
    t.line("put 8 jobs");
    let mut consumers = JoinSet::new();
    for name in ["c1", "c2", "c3"] {
        consumers.spawn(consumer(t.clone(), name, queue.consumer()));
    }
    queue.join().await?;
    let counts = queue.counts();
    t.line(format!(
        "join returned: {} done, {} failed, {} unfinished",
        counts.done, counts.failed, counts.unfinished
    ));
    // Closing ends the consumers' loops; nothing needs cancelling.
    queue.close();
    let mut panicked = 0;
    while let Some(joined) = consumers.join_next().await {
        if joined.is_err_and(|error| error.is_panic()) {
            panicked += 1;
        }
    }
    t.line(format!(
        "consumers returned, {panicked} of them by panicking"
    ));
    // ANCHOR_END: main
    t.print_timeline();

    t.raw("");
    t.raw("no consumer left: the only consumer panics with jobs still queued");
    let t = Transcript::to_stdout();
    // ANCHOR: no_consumer_left
    let queue = JoinableQueue::new(10)?;
    for id in 5..=8 {
        queue.put(id).await?;
    }
    t.line("put jobs 5 to 8");
    let only = tokio::spawn(consumer(t.clone(), "c1", queue.consumer()));
    match queue.join().await {
        Ok(()) => t.line("join returned: every job finished"),
        // The consumer's handle was dropped while it unwound: nobody can finish jobs 7 and 8.
        Err(error) => t.line(format!("join returned: {error}")),
    }
    let crashed = only.await.is_err_and(|error| error.is_panic());
    t.line(format!("the consumer panicked: {crashed}"));
    // ANCHOR_END: no_consumer_left
    Ok(())
}
