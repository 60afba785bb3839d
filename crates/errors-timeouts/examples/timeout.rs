//! Timeout: a 5 s operation under a 2 s limit fails at +2 s with a typed error; a 1 s one under
//! the same limit succeeds.
//!
//! Run: `cargo run --example timeout`
//!
//! Expected output: the golden transcript `timeout.txt` beside this file.

use std::time::Duration;

use errors_timeouts::timeout;
use testing::Transcript;
use testing::{FakeService, Script, Step};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let slow = FakeService::new(
        "report",
        Script::new().then(Step::ok_after(Duration::from_secs(5))),
    );
    let limit = Duration::from_secs(2);
    t.line("calling a 5 s operation with a 2 s limit");
    match timeout(limit, slow.call())?.await {
        Ok(reply) => t.line(format!("got {reply:?}")),
        Err(error) => t.line(format!("error: {error}")),
    }
    t.line(format!(
        "the call was dropped: {} cancelled",
        slow.stats().cancelled
    ));

    let quick = FakeService::new(
        "status",
        Script::new().then(Step::ok_after(Duration::from_secs(1))),
    );
    t.line("calling a 1 s operation with the same limit");
    let reply = timeout(limit, quick.call())?.await??;
    t.line(format!("got {reply}"));
    // ANCHOR_END: main
    Ok(())
}
