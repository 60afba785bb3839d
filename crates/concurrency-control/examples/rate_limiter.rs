//! Rate limiting: 10 requests a second with a burst of 3; 8 requests arrive at once.
//!
//! Run: `cargo run --example rate_limiter`
//!
//! Expected output (the golden transcript `rate_limiter.txt` beside this file): three requests at
//! +0.000s (the burst), then one every 100 ms; beside it, a semaphore of 3 lets all 8 through in
//! 0.03 s, because it limits how many run at once, not how many start per second.

use std::sync::Arc;
use std::time::Duration;

use concurrency_control::RateLimiter;
use testing::Transcript;
use tokio::sync::Semaphore;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("8 requests, limiter: 10 per second, burst 3");
    let limiter = RateLimiter::per_second(10, 3)?;
    let requests = (1..=8).map(|n| {
        let (limiter, t) = (&limiter, t.clone());
        async move {
            limiter.acquire().await;
            t.line(format!("request {n} admitted"));
        }
    });
    futures::future::join_all(requests).await;
    match limiter.try_acquire() {
        Ok(()) => t.line("try_acquire: admitted"),
        // Rounded: on the real clock a few microseconds have passed since the last admission.
        Err(limited) => t.line(format!(
            "try_acquire: rate limited, retry in {:.1} s",
            limited.retry_after().as_secs_f64()
        )),
    }
    // ANCHOR_END: main

    // ANCHOR: semaphore
    let start = tokio::time::Instant::now();
    let semaphore = Arc::new(Semaphore::new(3));
    let calls = (1..=8).map(|_| {
        let semaphore = Arc::clone(&semaphore);
        async move {
            let _permit = semaphore.acquire().await?;
            tokio::time::sleep(Duration::from_millis(10)).await; // a 10 ms call
            anyhow::Ok(())
        }
    });
    futures::future::try_join_all(calls).await?;
    // In whole 10 ms, rounded down: on the real clock each of the three waves wakes a little late.
    let took = start.elapsed().as_millis() / 10 * 10;
    t.line(format!(
        "a Semaphore(3) let 8 calls of 10 ms through in {took} ms: a rate of 266 a second"
    ));
    // ANCHOR_END: semaphore
    Ok(())
}
