//! Partial failure: items 1..6 processed concurrently, every third fails after 0.1 s; the report
//! counts 4 successes and 2 failures, with the errors.
//!
//! Run: `cargo run --example partial_failure`
//!
//! Expected output: the golden transcript `partial_failure.txt` beside this file.

use std::time::Duration;

use testing::Transcript;

// ANCHOR: process
/// Item `n` takes 0.1 s; every third one fails.
async fn process(t: Transcript, item: u32) -> Result<u32, String> {
    let span = t.span(format!("item {item}"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    if item.is_multiple_of(3) {
        span.end_with('x');
        return Err(format!("item {item}: upstream returned 503"));
    }
    Ok(item * 10)
}
// ANCHOR_END: process

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("processing items 1..6, every third fails");
    let report = errors_timeouts::settle_all((1..=6).map(|item| process(t.clone(), item))).await;
    t.line(format!(
        "{} succeeded, {} failed",
        report.succeeded.len(),
        report.failed.len()
    ));
    for (position, value) in &report.succeeded {
        t.line(format!("  ok     item {}: {value}", position + 1));
    }
    for (_, error) in &report.failed {
        t.line(format!("  failed {error}"));
    }
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
