//! Bounded concurrency: 20 calls of 0.5 s, at most 3 at once: 7 waves, done at +3.5 s.
//!
//! Run: `cargo run --example bounded_concurrency`
//!
//! Expected output (the golden transcript `bounded_concurrency.txt` beside this file):
//! ```text
//! [+0.000s] fetching 20 urls, at most 3 at once
//! [+0.500s] url 1 done
//! ...
//! [+3.500s] fetched 20 pages in 7 waves
//! timeline (1 column = 100ms, # running, x failed, ! cancelled)
//! url 1   |#####                              |
//! ...
//! ```

use std::time::Duration;

use concurrency_control::BoundedMap;
use testing::Transcript;

// ANCHOR: fetch
/// A stand-in for an HTTP call that takes 0.5 s.
async fn fetch(t: Transcript, url: u32) -> String {
    let _span = t.span(format!("url {url}"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    t.line(format!("url {url} done"));
    format!("page {url}")
}
// ANCHOR_END: fetch

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("fetching 20 urls, at most 3 at once");
    let limit = BoundedMap::new(3)?;
    // Spawned tasks, each holding an owned semaphore permit; results in input order.
    let pages = limit.spawn(1..=20, |url| fetch(t.clone(), url)).await?;
    t.line(format!("fetched {} pages in 7 waves", pages.len()));
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
