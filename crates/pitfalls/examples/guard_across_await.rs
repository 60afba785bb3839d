//! A std guard across `.await`: two increments under `join!` on one current-thread runtime
//! deadlock when the `std::sync::MutexGuard` lives across the `.await`, and finish when it is
//! dropped before.
//!
//! Run: `cargo run --example guard_across_await`
//!
//! Expected output: the golden transcript `guard_across_await.txt` beside this file. The
//! deadlocked run is on a thread of its own, given 200 ms of real time, and left blocked until
//! the process exits. Real time spent on other threads does not move tokio's paused clock, so
//! the example waits out those 200 ms on tokio's clock too: both clocks stamp the verdict at
//! +0.200s.

use std::time::Duration;

use tokio::time::Instant;

use pitfalls::guard_across_await::{self, Version};
use testing::Transcript;

/// How long the deadlocked run is given, in real time.
const PATIENCE: Duration = Duration::from_millis(200);

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.line("two increments under join!, on a current-thread runtime of their own");
    let began = Instant::now();
    let wrong = tokio::task::spawn_blocking(move || {
        guard_across_await::two_increments(Version::Wrong, PATIENCE)
    })
    .await?;
    // A no-op on the real clock (the patience has passed); on the paused clock, where the blocked
    // thread's 200 ms were not seen, it moves the clock to where a person's run would be.
    tokio::time::sleep_until(began + PATIENCE).await;
    t.line(format!("wrong: the guard lives across .await -> {wrong:?}"));
    let right = tokio::task::spawn_blocking(|| {
        guard_across_await::two_increments(Version::Right, Duration::from_secs(10))
    })
    .await?;
    t.line(format!(
        "right: the guard is dropped before .await -> {right:?}"
    ));
    Ok(())
}
