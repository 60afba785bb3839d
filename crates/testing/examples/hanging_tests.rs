//! Hanging tests: a budget around every wait turns a hang into an error naming what was
//! awaited, at the instant the budget ends.
//!
//! Run: `cargo run --example hanging_tests`
//!
//! Expected output (the golden transcript `hanging_tests.txt` beside this file):
//! ```text
//! [+0.000s] the first reply: Some(1)
//! [+5.000s] hung: waited 5.0 s for `the second reply` (budget 5.0 s)
//! ```

use testing::{Budget, Transcript, ms};
use tokio::sync::mpsc;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let budget = Budget::new(ms(5_000));
    let (tx, mut rx) = mpsc::channel::<u32>(1);
    tx.send(1).await?;
    let first = budget.wait("the first reply", rx.recv()).await?;
    t.line(format!("the first reply: {first:?}"));
    // Nobody sends again and `tx` is still alive: without the budget this waits for ever.
    match budget.wait("the second reply", rx.recv()).await {
        Ok(second) => t.line(format!("the second reply: {second:?}")),
        // `Hung`'s message gives the wait to the millisecond, exact on a test's paused clock;
        // rounded here, as on the real clock the timer fires a few milliseconds late.
        Err(hung) => t.line(format!(
            "hung: waited {:.1} s for `{}` (budget {:.1} s)",
            hung.waited.as_secs_f64(),
            hung.what,
            hung.budget.as_secs_f64()
        )),
    }
    drop(tx);
    // ANCHOR_END: main
    Ok(())
}
