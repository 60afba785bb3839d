//! Error aggregation: four tasks end four ways (a value, an application error, a panic, a
//! cancellation); the group reports each failure by kind.
//!
//! Run: `cargo run --example error_aggregation`
//!
//! Expected output: the golden transcript `error_aggregation.txt` beside this file.

use std::time::Duration;

use errors_timeouts::{Group, TaskFailure};
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    // The default panic hook would print the panic (with a thread name) to stderr; the group
    // reports it instead, so silence the hook for this example.
    std::panic::set_hook(Box::new(|_| {}));
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let mut group: Group<&str, String> = Group::new();
    group.spawn(async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok("report built")
    });
    group.spawn(async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        Err("invalid customer id 42".to_string())
    });
    group.spawn(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        panic!("index out of bounds in the exporter")
    });
    let slow = group.spawn(async {
        tokio::time::sleep(Duration::from_secs(10)).await;
        Ok("never")
    });
    t.line("tasks 0..=3 spawned; task 3 is aborted at +0.5 s");
    tokio::time::sleep(Duration::from_millis(500)).await;
    slow.abort();

    let errors = group.join().await.expect_err("three jobs fail");
    t.line(format!("{errors}"));
    for (position, failure) in &errors.failures {
        let kind = match failure {
            TaskFailure::Failed(_) => "application error: recoverable, report it",
            TaskFailure::Panicked(_) => "panic: a bug, fatal",
            TaskFailure::Cancelled => "cancelled: expected during shutdown",
        };
        t.line(format!("  task {position}: {kind}"));
    }
    // ANCHOR_END: main
    Ok(())
}
