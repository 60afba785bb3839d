//! Deadline scope: three steps share one 5 s budget. Step 1 takes 2 s, step 2 takes 4 s and is
//! cut off at +5 s, and step 3, which would start after the deadline, fails at once.
//!
//! Run: `cargo run --example deadline`
//!
//! Expected output: the golden transcript `deadline.txt` beside this file.

use std::time::Duration;

use errors_timeouts::Deadline;
use testing::Transcript;

// ANCHOR: step
async fn step(t: Transcript, name: &'static str, secs: u64) -> &'static str {
    // Dropped unfinished (the deadline cut the step off), the span ends with `!`.
    let span = t.task_span(name);
    tokio::time::sleep(Duration::from_secs(secs)).await;
    span.end();
    name
}
// ANCHOR_END: step

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let deadline = Deadline::after(Duration::from_secs(5))?;
    t.line("one 5 s budget for three steps");
    for (name, secs) in [("fetch user", 2), ("fetch orders", 4), ("render", 1)] {
        let left = deadline.remaining().as_secs_f64();
        t.line(format!("{name}: starting with {left:.1} s left"));
        match deadline.run(step(t.clone(), name, secs)).await {
            Ok(done) => t.line(format!("{done}: done")),
            Err(error) => t.line(format!("{name}: {error}")),
        }
    }
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
