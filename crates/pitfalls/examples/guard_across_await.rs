//! A std guard across `.await`: two increments under `join!` on one current-thread runtime
//! deadlock when the `std::sync::MutexGuard` lives across the `.await`, and finish when it is
//! dropped before.
//!
//! Run: `cargo run --example guard_across_await`
//!
//! Expected output: the golden transcript `guard_across_await.txt` beside this file. The
//! deadlocked run is on a thread of its own, given 200 ms of real time, and left blocked until
//! the process exits.

use std::time::Duration;

use pitfalls::guard_across_await::{self, Version};
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.line("two increments under join!, on a current-thread runtime of their own");
    let wrong = tokio::task::spawn_blocking(|| {
        guard_across_await::two_increments(Version::Wrong, Duration::from_millis(200))
    })
    .await?;
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
