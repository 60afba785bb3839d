//! Retry with backoff: a remote fails twice (0.1 s each), then answers. First the hand-written
//! loop (exponential backoff, seeded equal jitter, a cap, a predicate, a budget), then the same
//! with backon on tokio's sleeper. Both print every attempt, so the gaps are visible.
//!
//! Run: `cargo run --example retry`
//!
//! Expected output: the golden transcript `retry.txt` beside this file.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable, TokioSleeper};
use errors_timeouts::{Jitter, RetryPolicy, retry};
use testing::{FakeError, FakeService, Script, Step, Transcript};

fn flaky_remote() -> FakeService {
    let failing = Step::fail_after(Duration::from_millis(100));
    FakeService::new(
        "remote",
        Script::new().then_repeat(2, failing).then(Step::ok()),
    )
}

/// Every error of this fake is transient; a real predicate would reject a 400 or a parse error.
fn is_transient(_error: &FakeError) -> bool {
    true
}

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let policy = RetryPolicy::builder()
        .max_attempts(5)
        .initial_delay(Duration::from_millis(200))
        .max_delay(Duration::from_secs(1))
        .jitter(Jitter::Equal { seed: 42 })
        .budget(Duration::from_secs(10))
        .build()?;
    let planned: Vec<String> = policy
        .delays()
        .map(|d| format!("{}ms", d.as_millis()))
        .collect();
    t.line(format!(
        "hand-written loop, planned delays {}",
        planned.join(", ")
    ));
    let remote = flaky_remote();
    let reply = retry(&policy, is_transient, || {
        t.line("attempt");
        remote.call()
    })
    .await?;
    t.line(format!(
        "got {reply:?} after {} calls",
        remote.stats().started
    ));
    // ANCHOR_END: main

    // ANCHOR: backon
    let backoff = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(200))
        .with_max_delay(Duration::from_secs(1))
        .with_max_times(4);
    t.line("backon, exponential from 200ms, no jitter");
    let remote = flaky_remote();
    let reply = (|| {
        t.line("attempt");
        remote.call()
    })
    .retry(backoff)
    .sleep(TokioSleeper)
    .when(is_transient)
    .notify(|error, delay| t.line(format!("{error}; retrying in {}ms", delay.as_millis())))
    .await?;
    t.line(format!(
        "got {reply:?} after {} calls",
        remote.stats().started
    ));
    // ANCHOR_END: backon
    Ok(())
}
