//! Joinable queue: 8 jobs and 3 consumers; job 3 fails with an error and job 6 panics its
//! consumer mid-item. `join` still returns, because a job's "done" is a guard that fires on drop.
//! The panic is deliberate: instead of the default panic report and backtrace, stderr gets a
//! one-line note about it; the transcript is stdout.
//!
//! Run: `cargo run --example joinable_queue`
//!
//! Expected output (the golden transcript `joinable_queue.txt` beside this file):
//! ```text
//! [+0.000s] put 8 jobs
//! ...
//! [+0.300s] join returned: 6 done, 2 failed, 0 unfinished
//! ```

use std::time::Duration;

use producer_consumer::joinable_queue::JoinableQueue;
use testing::Transcript;
use tokio::task::JoinSet;
use tokio::time::sleep;

/// The message of job 6's panic in `consumer`, which the panic hook set in `main` recognises.
const DELIBERATE: &str = "job 6 brings its consumer down";

// ANCHOR: consumer
async fn consumer(t: Transcript, name: &'static str, queue: JoinableQueue<u32>) {
    while let Some(job) = queue.get().await {
        let span = t.span(format!("{name} job {}", *job));
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
        job.done();
    }
}
// ANCHOR_END: consumer

fn main() -> anyhow::Result<()> {
    note_deliberate_panic();
    testing::run_example(run)
}

/// Reports job 6's planned panic as a one-line note on stderr, so that a reader running the
/// example is not alarmed by a panic message and backtrace; any other panic is reported as usual.
fn note_deliberate_panic() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A `panic!` with a plain string literal carries a `&'static str`.
        if info.payload().downcast_ref::<&str>() == Some(&DELIBERATE) {
            eprintln!(
                "note: a consumer panicked on purpose (\"{DELIBERATE}\"); its guard counts job 6 as failed"
            );
        } else {
            default(info);
        }
    }));
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
        consumers.spawn(consumer(t.clone(), name, queue.clone()));
    }
    queue.join().await;
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
    Ok(())
}
