//! Sequential await: one fetch of 1 s ends at +1 s; a future that is built but never awaited
//! does nothing; three awaits in a row take 1 s + 1 s + 1 s.
//!
//! Run: `cargo run --example sequential_await`
//!
//! Expected output (the golden transcript `sequential_await.txt` beside this file):
//! ```text
//! [+0.000s] built the future for users/0; its body has not run
//! [+0.000s] dropped it: users/0 was never fetched
//! [+0.000s] fetching users/1
//! [+1.000s] fetched users/1
//! ...
//! ```

use std::time::Duration;

use testing::Transcript;

// ANCHOR: fetch_data
/// A stand-in for an HTTP call that takes 1 s.
async fn fetch_data(t: Transcript, url: &str) -> String {
    // This line runs at the first poll, not when `fetch_data(..)` is called.
    t.line(format!("fetching {url}"));
    tokio::time::sleep(Duration::from_secs(1)).await;
    t.line(format!("fetched {url}"));
    format!("data from {url}")
}
// ANCHOR_END: fetch_data

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: lazy
    let future = fetch_data(t.clone(), "users/0");
    t.line("built the future for users/0; its body has not run");
    drop(future);
    t.line("dropped it: users/0 was never fetched");

    // The pitfall, kept compiling only because the lint is expected: no `.await`, no fetch.
    #[expect(
        unused_must_use,
        reason = "shows that a future nobody awaits never runs"
    )]
    fetch_data(t.clone(), "users/9");
    // ANCHOR_END: lazy

    // ANCHOR: main
    let data = fetch_data(t.clone(), "users/1").await;
    t.line(format!("got {data:?}"));

    let urls = ["users/2", "users/3", "users/4"];
    let (pages, took) = basics::timed(basics::sequential(
        urls.map(|url| fetch_data(t.clone(), url)),
    ))
    .await;
    t.line(format!(
        "{} fetches awaited one after another took {:.1} s",
        pages.len(),
        took.as_secs_f64()
    ));
    // ANCHOR_END: main
    Ok(())
}
