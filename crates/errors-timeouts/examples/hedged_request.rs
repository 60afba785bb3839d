//! Hedged request: replica A is slow (2 s) today; after 0.3 s (about the p95 latency) the same
//! read goes to replica B, which answers in 0.1 s. B wins at +0.4 s and A is cancelled.
//!
//! Run: `cargo run --example hedged_request`
//!
//! Expected output: the golden transcript `hedged_request.txt` beside this file.

use std::time::Duration;

use errors_timeouts::{Attempt, hedge};
use testing::{FakeService, Script, Step, Transcript};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let replica_a = FakeService::new(
        "replica-a",
        Script::new().then(Step::ok_after(Duration::from_secs(2))),
    );
    let replica_b = FakeService::new(
        "replica-b",
        Script::new().then(Step::ok_after(Duration::from_millis(100))),
    );
    t.line("reading key 42, hedging after 300ms");
    let answer = hedge(Duration::from_millis(300), |attempt| {
        let (replica, span) = match attempt {
            Attempt::Primary => (replica_a.clone(), t.task_span("replica-a")),
            Attempt::Hedge => (replica_b.clone(), t.task_span("replica-b")),
        };
        t.line(format!("sending to {}", replica.name()));
        async move {
            let reply = replica.call().await;
            span.end();
            reply
        }
    })?
    .await?;
    t.line(format!("{:?} won with {:?}", answer.winner, answer.value));
    t.line(format!(
        "replica-a calls cancelled: {}",
        replica_a.stats().cancelled
    ));
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
