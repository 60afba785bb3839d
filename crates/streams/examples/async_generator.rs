//! Async generator: numbers 1..4, 0.1 s apart, from `stream!` and from `unfold`.
//!
//! Run: `cargo run --example async_generator`
//!
//! Expected output (the golden transcript `async_generator.txt` beside this file):
//! ```text
//! [+0.000s] stream! generator
//! [+0.100s] got 1
//! ...
//! ```

use std::pin::pin;
use std::time::Duration;

use futures::StreamExt;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("stream! generator");
    // `stream!` builds a `!Unpin` state machine: pin it to call `.next()`.
    let mut numbers = pin!(streams::numbers(4, Duration::from_millis(100))?);
    while let Some(n) = numbers.next().await {
        t.line(format!("got {n}"));
    }
    t.line("unfold generator");
    let all: Vec<u32> = streams::numbers_unfold(4, Duration::from_millis(100))?
        .collect()
        .await;
    t.line(format!("collected {all:?}"));
    // ANCHOR_END: main
    Ok(())
}
