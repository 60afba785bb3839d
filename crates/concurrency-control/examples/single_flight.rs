//! Single flight: 100 concurrent misses on one key cause one fetch, and all 100 callers get the
//! value at +0.200s; a later miss fetches again.
//!
//! Run: `cargo run --example single_flight`
//!
//! Expected output (the golden transcript `single_flight.txt` beside this file).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use concurrency_control::SingleFlight;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let flights = SingleFlight::<String, String, String>::new();
    // Each fetch runs as its own task; the callers share its outcome.
    let fetches = Arc::new(AtomicU32::new(0));
    let get = |key: &str| {
        let (fetches, t) = (Arc::clone(&fetches), t.clone());
        flights.get(key.to_owned(), move || async move {
            let n = fetches.fetch_add(1, Ordering::SeqCst) + 1;
            t.line(format!("fetch {n} starts (the only one in this flight)"));
            tokio::time::sleep(Duration::from_millis(200)).await;
            Ok(format!("profile v{n}"))
        })
    };
    t.line("100 concurrent requests for user:42");
    let answers = futures::future::join_all((0..100).map(|_| get("user:42"))).await;
    let same = answers
        .iter()
        .filter(|a| matches!(a.as_deref(), Ok("profile v1")))
        .count();
    t.line(format!(
        "{same} callers got \"profile v1\" from {} fetch",
        fetches.load(Ordering::SeqCst)
    ));
    let later = get("user:42").await;
    t.line(format!("a later miss fetches again: {later:?}"));
    // ANCHOR_END: main
    Ok(())
}
