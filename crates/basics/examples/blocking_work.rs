//! Blocking work off the runtime: five blocking jobs of 0.1 s each, doubling their input, moved
//! off the runtime with `spawn_blocking` and with a dedicated pool built once; then a ticker that
//! keeps ticking beside a blocked pool job, and the same ticker stalled by a job run inline; last,
//! a stall monitor measures a stall for a job run inline and none for it through `spawn_blocking`.
//!
//! Run: `cargo run --example blocking_work`
//!
//! Why the transcript looks the way it does: blocking jobs run on real threads, beside a clock
//! that the golden transcript runs paused. Real time spent blocked does not move tokio's paused
//! clock (and tokio stops auto-advancing it while a `spawn_blocking` job runs). So:
//! - the jobs really block (`std::thread::sleep`, 0.1 s each on the real clock, 10 ms on the
//!   paused clock, where blocking longer would only slow the run down), and after each step the
//!   example waits out the step's time on tokio's clock (`wait_out`): a no-op on the real
//!   clock, where the blocking took that long; on the paused clock it moves the clock to where a
//!   person's run is, so both clocks stamp the same instants;
//! - the ticker part uses a job that waits on a latch the example releases after 0.4 s of tokio
//!   time, so its stamps are exact on both clocks;
//! - the inline job blocks the runtime thread itself, so the ticker cannot tick during it on
//!   either clock;
//! - the stall monitor (`testing::StallMonitor`, on the real clock: a paused tokio clock does
//!   not move during a blocking call) times the same job, 150 ms of real blocking on either
//!   clock, run inline and through `spawn_blocking`; the transcript says whether a poll went over
//!   the 100 ms threshold, not the exact figure, which differs from run to run.
//!
//! Expected output (the golden transcript `blocking_work.txt` beside this file):
//! ```text
//! [+0.000s] spawn_blocking: 5 blocking jobs of 0.1 s, doubling 1..=5
//! [+0.100s]   results [2, 4, 6, 8, 10]
//! ...
//! [+1.100s]   the pool job is still blocked; the ticker ticked 4 times meanwhile
//! ...
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use basics::blocking_work::blocking_double;
use basics::{BlockingPool, BlockingPoolConfig};
use testing::stall_monitor::{Stall, StallConfig, StallMonitor};
use testing::{ClockMode, Transcript};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How long a job blocks on the real clock, and how long each step is on both clocks.
const COST: Duration = Duration::from_millis(100);

/// Waits until `span` after `began` on tokio's clock. On the real clock the blocking work since
/// `began` took that long already, so this returns at once; on the paused clock, which does not
/// see real time spent blocked, it moves the clock to where a person's run would be.
async fn wait_out(began: Instant, span: Duration) {
    tokio::time::sleep_until(began + span).await;
}

/// A ticker (a heartbeat) every 100 ms, four ticks, counted and optionally printed.
fn ticker(t: &Transcript, print: bool) -> (Arc<AtomicUsize>, JoinHandle<()>) {
    let ticks = Arc::new(AtomicUsize::new(0));
    let (t, counter) = (t.clone(), Arc::clone(&ticks));
    let handle = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(100));
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

/// Polls longer than this are stalls: asyncio's debug mode uses the same 100 ms, and it is well
/// above the scheduling delays of a loaded machine, so a quick poll is never reported.
const STALL_THRESHOLD: Duration = Duration::from_millis(100);

// ANCHOR: stall_of
/// What the monitor saw of `task`, in words that are the same on every run: a slow poll lasts
/// at least the job's cost, which is longer than the threshold, so "over 100 ms" always holds,
/// whatever the exact figure.
fn stall_of(monitor: &StallMonitor, task: &str) -> String {
    let slow_polls = monitor
        .reports()
        .into_iter()
        .filter(|stall| matches!(stall, Stall::SlowPoll { task: name, .. } if name == task))
        .count();
    let threshold = STALL_THRESHOLD.as_millis();
    match slow_polls {
        0 => format!("stall monitor: no stall (no poll over {threshold} ms)"),
        1 => format!("stall monitor: stall detected, a poll over {threshold} ms"),
        n => format!("stall monitor: stall detected, {n} polls over {threshold} ms"),
    }
}
// ANCHOR_END: stall_of

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // The real blocking: the full cost on the real clock; on the paused clock, which does not
    // see it, a tenth (`wait_out` accounts for the full cost on both).
    let cost = match t.clock_mode() {
        ClockMode::Real => COST,
        ClockMode::Paused => COST / 10,
    };
    // The stall monitor's part blocks for longer than its threshold on either clock.
    let stall_cost = Duration::from_millis(150);

    // ANCHOR: spawn_blocking
    t.line("spawn_blocking: 5 blocking jobs of 0.1 s, doubling 1..=5");
    let began = Instant::now();
    let jobs = (1..=5).map(|n| tokio::task::spawn_blocking(move || blocking_double(n, cost)));
    let mut results = Vec::new();
    for job in jobs.collect::<Vec<_>>() {
        results.push(job.await?);
    }
    wait_out(began, COST).await; // five threads at once: one job's time
    t.line(format!("  results {results:?}"));
    // ANCHOR_END: spawn_blocking

    // ANCHOR: pool
    t.line("a dedicated pool: 2 threads, built once, reused by every call");
    let pool = BlockingPool::spawn(BlockingPoolConfig {
        threads: 2,
        queue: 8,
    })?;
    for batch in 1..=2 {
        let began = Instant::now();
        let calls = (1..=5).map(|n| pool.run(move || blocking_double(n, cost)));
        let results: Result<Vec<_>, _> = basics::gather(calls).await.into_iter().collect();
        wait_out(began, COST * 3).await; // five jobs on two threads: three jobs' time
        t.line(format!(
            "  batch {batch}: {:?} on the same {} threads",
            results?,
            pool.threads()
        ));
    }
    // ANCHOR_END: pool

    // ANCHOR: ticker_beside_pool
    t.line("a ticker beside a pool job that blocks for 0.4 s");
    let (ticks, ticker_task) = ticker(&t, true);
    let (release, latch) = std_mpsc::channel::<()>();
    let job = pool.run(move || {
        let _ = latch.recv(); // blocks its pool thread until released
        21 * 2
    });
    let (doubled, ()) = tokio::join!(job, async {
        tokio::time::sleep(Duration::from_millis(400)).await;
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
    let began = Instant::now();
    let doubled = blocking_double(21, cost); // blocks the only runtime thread
    let ticked = ticks.load(Ordering::SeqCst);
    ticker_task.abort();
    wait_out(began, COST).await; // only the paused clock needs it: see `wait_out`
    t.line(format!(
        "  inline job done: {doubled}; the ticker ticked {ticked} times meanwhile: it was stalled"
    ));
    // ANCHOR_END: inline

    // ANCHOR: stall_monitor
    // The stall monitor times every poll of an instrumented future on the real clock.
    let monitor = StallMonitor::start(StallConfig {
        threshold: STALL_THRESHOLD,
        ..StallConfig::default()
    })?;
    t.line("a stall monitor times each poll of the same job, run both ways");
    let began = Instant::now();
    let doubled = monitor
        .instrument("inline job", async move { blocking_double(21, stall_cost) })
        .await;
    wait_out(began, stall_cost).await;
    t.line(format!(
        "  inline: {doubled}; {}",
        stall_of(&monitor, "inline job")
    ));
    let began = Instant::now();
    let doubled = monitor
        .instrument("spawn_blocking job", async move {
            tokio::task::spawn_blocking(move || blocking_double(21, stall_cost)).await
        })
        .await?;
    wait_out(began, stall_cost).await;
    t.line(format!(
        "  spawn_blocking: {doubled}; {}",
        stall_of(&monitor, "spawn_blocking job")
    ));
    // ANCHOR_END: stall_monitor

    pool.shutdown().await;
    t.line("pool shut down: queue closed, threads joined");
    Ok(())
}
