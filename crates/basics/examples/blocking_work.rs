//! Blocking work off the runtime: five blocking jobs of 1 s each, doubling their input, moved off
//! the runtime with `spawn_blocking` and with a dedicated pool built once; then a ticker that
//! keeps ticking beside a blocked pool job, and the same ticker stalled by a job run inline.
//!
//! Run: `cargo run --example blocking_work`
//!
//! Why the transcript looks the way it does: blocking jobs run on real threads, beside a clock
//! that the golden transcript runs paused. tokio stops the paused clock while a `spawn_blocking`
//! job runs (it may be waiting for real time), and the runtime cannot know when a pool thread
//! will answer. So:
//! - the five jobs really block (`std::thread::sleep`, 1 s each in real time, 10 ms on the paused
//!   clock), and on the paused clock their stamps do not move; the transcript prints only their
//!   results and the pool's size, which are the same on every run;
//! - the ticker part uses a job that waits on a latch the example releases after 1 s of tokio
//!   time, so its stamps are exact on both clocks;
//! - the inline job blocks the runtime thread itself, so the ticker cannot tick during it on
//!   either clock.
//!
//! Expected output (the golden transcript `blocking_work.txt` beside this file):
//! ```text
//! [+0.000s] spawn_blocking: 5 blocking jobs, doubling 1..=5
//! [+0.000s]   results [2, 4, 6, 8, 10]
//! ...
//! [+1.000s]   the pool job is still blocked; the ticker ticked 4 times meanwhile
//! ...
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use basics::{BlockingPool, BlockingPoolConfig};
use testing::{ClockMode, Transcript};
use tokio::task::JoinHandle;

// ANCHOR: blocking_double
/// A blocking library call: it holds its thread for `cost`, then doubles `n`.
#[expect(
    clippy::disallowed_methods,
    reason = "the stand-in for blocking work must really block its thread"
)]
fn blocking_double(n: u64, cost: Duration) -> u64 {
    std::thread::sleep(cost);
    n * 2
}
// ANCHOR_END: blocking_double

/// A ticker (a heartbeat) every 250 ms, four ticks, counted and optionally printed.
fn ticker(t: &Transcript, print: bool) -> (Arc<AtomicUsize>, JoinHandle<()>) {
    let ticks = Arc::new(AtomicUsize::new(0));
    let (t, counter) = (t.clone(), Arc::clone(&ticks));
    let handle = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(250));
        for n in 1..=4 {
            every.tick().await;
            counter.fetch_add(1, Ordering::SeqCst);
            if print {
                t.line(format!("  tick {n}"));
            }
        }
    });
    (ticks, handle)
}

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let cost = match t.clock_mode() {
        ClockMode::Real => Duration::from_secs(1),
        ClockMode::Paused => Duration::from_millis(10),
    };

    // ANCHOR: spawn_blocking
    t.line("spawn_blocking: 5 blocking jobs, doubling 1..=5");
    let jobs = (1..=5).map(|n| tokio::task::spawn_blocking(move || blocking_double(n, cost)));
    let mut results = Vec::new();
    for job in jobs.collect::<Vec<_>>() {
        results.push(job.await?);
    }
    t.line(format!("  results {results:?}"));
    // ANCHOR_END: spawn_blocking

    // ANCHOR: pool
    t.line("a dedicated pool: 2 threads, built once, reused by every call");
    let pool = BlockingPool::spawn(BlockingPoolConfig {
        threads: 2,
        queue: 8,
    })?;
    for batch in 1..=2 {
        let calls = (1..=5).map(|n| pool.run(move || blocking_double(n, cost)));
        let results: Result<Vec<_>, _> = basics::gather(calls).await.into_iter().collect();
        t.line(format!(
            "  batch {batch}: {:?} on the same {} threads",
            results?,
            pool.threads()
        ));
    }
    // ANCHOR_END: pool

    // ANCHOR: ticker_beside_pool
    t.line("a ticker beside a pool job that blocks for 1 s");
    let (ticks, ticker_task) = ticker(&t, true);
    let (release, latch) = std_mpsc::channel::<()>();
    let job = pool.run(move || {
        let _ = latch.recv(); // blocks its pool thread until released
        21 * 2
    });
    let (doubled, ()) = tokio::join!(job, async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        t.line(format!(
            "  the pool job is still blocked; the ticker ticked {} times meanwhile",
            ticks.load(Ordering::SeqCst)
        ));
        let _ = release.send(());
    });
    t.line(format!("  pool job done: {}", doubled?));
    ticker_task.await?;
    // ANCHOR_END: ticker_beside_pool

    // ANCHOR: inline
    t.line("the same ticker beside a job run inline on the runtime thread (the mistake)");
    let (ticks, ticker_task) = ticker(&t, false);
    let doubled = blocking_double(21, cost); // blocks the only runtime thread
    t.line(format!(
        "  inline job done: {doubled}; the ticker ticked {} times meanwhile: it was stalled",
        ticks.load(Ordering::SeqCst)
    ));
    ticker_task.abort();
    // ANCHOR_END: inline

    pool.shutdown().await;
    t.line("pool shut down: queue closed, threads joined");
    Ok(())
}
