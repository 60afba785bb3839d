//! Batches: 25 items in batches of 10, 0.1 s each: 3 batches, done at +0.300s. When one item of
//! each batch is slow, fixed batches wait for it while a sliding window of 10 keeps going.
//!
//! Run: `cargo run --example batches`
//!
//! Expected output (the golden transcript `batches.txt` beside this file).

use std::time::Duration;

use concurrency_control::batches::one_slow_in_ten;
use concurrency_control::{in_batches, sliding_window};
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("25 items, batches of 10, 0.1s each");
    let out = in_batches(1..=25, 10, |item| {
        let t = t.clone();
        async move {
            if item % 10 == 1 {
                t.line(format!("batch starting at item {item}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            item * 2
        }
    })
    .await?;
    t.line(format!("{} results", out.len()));

    let start = tokio::time::Instant::now();
    in_batches(1..=25, 10, one_slow_in_ten).await?;
    t.line(format!(
        "one slow item per batch: fixed batches took {:.1} s",
        start.elapsed().as_secs_f64()
    ));
    let start = tokio::time::Instant::now();
    sliding_window(1..=25, 10, one_slow_in_ten).await?;
    t.line(format!(
        "same items, sliding window of 10: {:.1} s",
        start.elapsed().as_secs_f64()
    ));
    // ANCHOR_END: main
    Ok(())
}
