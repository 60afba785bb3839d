//! Concurrency in tests: the results alone cannot tell concurrent from sequential; the clock
//! and an in-flight witness can.
//!
//! Run: `cargo run --example concurrency_in_tests`
//!
//! Expected output (the golden transcript `concurrency_in_tests.txt` beside this file):
//! ```text
//! [+0.000s] three 1 s jobs with join!
//! [+1.000s] results [1, 2, 3], took 1.0 s, at most 3 in flight
//! ...
//! ```

use testing::concurrency_in_tests::job;
use testing::{InFlight, Transcript, ms};
use tokio::time::Instant;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("three 1 s jobs with join!");
    let in_flight = InFlight::new();
    let start = Instant::now();
    let (a, b, c) = tokio::join!(
        traced(&t, job(in_flight.clone(), 1, ms(1_000))),
        traced(&t, job(in_flight.clone(), 2, ms(1_000))),
        traced(&t, job(in_flight.clone(), 3, ms(1_000))),
    );
    t.line(format!(
        "results {:?}, took {:.1} s, at most {} in flight",
        [a, b, c],
        start.elapsed().as_secs_f64(),
        in_flight.max()
    ));

    t.line("the same three jobs awaited one after another (the bug a test must catch)");
    let in_flight = InFlight::new();
    let start = Instant::now();
    let mut results = Vec::new();
    for id in 1..=3 {
        results.push(traced(&t, job(in_flight.clone(), id, ms(1_000))).await);
    }
    t.line(format!(
        "results {results:?}, took {:.1} s, at most {} in flight",
        start.elapsed().as_secs_f64(),
        in_flight.max()
    ));
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}

/// Draws the job on the transcript's timeline.
async fn traced(t: &Transcript, job: impl Future<Output = u32>) -> u32 {
    let span = t.span(format!("job {}", t.timeline().spans().len() + 1));
    let id = job.await;
    span.end();
    id
}
