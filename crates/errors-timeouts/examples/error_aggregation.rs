//! Error aggregation: four tasks end four ways (a value, an application error, a panic, a
//! cancellation); `join_classified` reports each failure by kind.
//!
//! Run: `cargo run --example error_aggregation`
//!
//! Expected output: the golden transcript `error_aggregation.txt` beside this file.

use std::time::Duration;

use basics::{IndexedJoinSet, TaskFailed};
use errors_timeouts::{Failure, join_classified};
use testing::{QuietPanics, Transcript};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // The default panic hook would print task 2's panic to stderr; the report shows it instead.
    let _quiet = QuietPanics::new();
    // ANCHOR: main
    let mut set: IndexedJoinSet<Result<&str, String>> = IndexedJoinSet::new();
    set.spawn(async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok("report built")
    });
    set.spawn(async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        Err("invalid customer id 42".to_string())
    });
    set.spawn(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        panic!("index out of bounds in the exporter")
    });
    set.spawn(async {
        tokio::time::sleep(Duration::from_secs(10)).await;
        Ok("never")
    });
    t.line("tasks 0..=3 spawned; shutdown at +0.5 s aborts what is still running");
    tokio::time::sleep(Duration::from_millis(500)).await;
    set.abort_all();

    let errors = join_classified(set).await.expect_err("three tasks fail");
    t.line(format!("{errors}"));
    for failure in &errors.failures {
        let kind = match failure {
            Failure::Error { .. } => "application error: recoverable, report it",
            Failure::Task(TaskFailed::Panicked { .. }) => "panic: a bug, fatal",
            Failure::Task(TaskFailed::Cancelled { .. }) => "cancelled: expected during shutdown",
        };
        t.line(format!("  task {}: {kind}", failure.index()));
    }
    // ANCHOR_END: main
    Ok(())
}
