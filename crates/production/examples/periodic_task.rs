//! Periodic task: a job every 1 s; run 3 fails, run 5 takes 2.5 s. Under each missed-tick
//! behaviour the same job starts at different times after the stall: `Burst` runs the missed
//! ticks back to back (the catch-up storm), `Delay` restarts the grid from the late run,
//! `Skip` drops the missed ticks and keeps the grid. A fourth row adds a 2 s run timeout. All
//! four stop at +8.7 s, within one tick of the cancellation.
//!
//! Run: `cargo run --example periodic_task`
//!
//! Expected output: the golden transcript `periodic_task.txt` beside this file.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use production::{PeriodicConfig, PeriodicTask};
use testing::{Transcript, ms};
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

type Starts = Arc<Mutex<Vec<Duration>>>;

// ANCHOR: job
/// The job: run 3 fails, run 5 takes 2.5 s, the others take 10 ms. Records when each run
/// starts.
fn job(
    starts: Starts,
) -> impl FnMut(u64) -> futures::future::BoxFuture<'static, Result<(), String>> {
    let origin = Instant::now();
    move |run| {
        starts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(origin.elapsed());
        Box::pin(async move {
            let takes = if run == 5 { 2500 } else { 10 };
            tokio::time::sleep(ms(takes)).await;
            if run == 3 {
                return Err("upstream returned 503".to_owned());
            }
            Ok(())
        })
    }
}
// ANCHOR_END: job

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let stop = CancellationToken::new();
    let rows = [
        ("burst", MissedTickBehavior::Burst, None),
        ("delay", MissedTickBehavior::Delay, None),
        ("skip", MissedTickBehavior::Skip, None),
        (
            "skip, 2 s timeout",
            MissedTickBehavior::Skip,
            Some(ms(2000)),
        ),
    ];
    let mut tasks = Vec::new();
    for (name, missed_tick, run_timeout) in rows {
        let config = PeriodicConfig {
            period: Duration::from_secs(1),
            missed_tick,
            run_timeout,
        };
        let starts = Starts::default();
        let task = PeriodicTask::spawn(config, &stop, job(Arc::clone(&starts)))?;
        tasks.push((name, starts, task));
    }
    t.line("4 periodic tasks, period 1 s; run 3 fails, run 5 takes 2.5 s");
    tokio::time::sleep(ms(8700)).await;
    stop.cancel();
    t.line("cancelled");
    for (name, starts, task) in tasks {
        let report = task.shutdown().await?;
        let starts = starts.lock().unwrap_or_else(PoisonError::into_inner);
        // To 0.1 s: on the real clock each run starts a few milliseconds late.
        let at: Vec<String> = starts
            .iter()
            .map(|d| format!("+{:.1}s", d.as_secs_f64()))
            .collect();
        t.line(format!("{name}: runs started at {}", at.join(" ")));
        t.line(format!("  {report}"));
        if let Some(error) = &report.last_error {
            t.line(format!("  last error: {error}"));
        }
    }
    // ANCHOR_END: main
    Ok(())
}
