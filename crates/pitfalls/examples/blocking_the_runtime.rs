//! Blocking the runtime: a slow request whose handler blocks for 100 ms and a quick request that
//! arrives with it, on one current-thread runtime watched by `testing::StallMonitor`; first with
//! `std::thread::sleep` in the handler, then with the blocking call on `spawn_blocking`.
//!
//! Run: `cargo run --example blocking_the_runtime`
//!
//! Expected output: the golden transcript `blocking_the_runtime.txt` beside this file. The
//! blocking is real (100 ms of real time per run); only what does not depend on the machine's
//! speed is printed. Real time spent on other threads does not move tokio's paused clock, so the
//! example waits out those 100 ms on tokio's clock too: both clocks stamp each verdict 0.1 s
//! after the last.

use std::time::Duration;

use tokio::time::Instant;

use pitfalls::blocking_the_runtime::{self, Work};
use testing::Transcript;
use testing::stall_monitor::{Stall, StallConfig, StallMonitor};

const BLOCK: Duration = Duration::from_millis(100);

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.line(
        "a slow request (100 ms of blocking work) and a quick one, on one current-thread runtime",
    );
    for offload in [false, true] {
        // The scenario needs a runtime of its own, with the monitor: it runs on a blocking
        // thread, where starting a runtime is allowed.
        let began = Instant::now();
        let (waited, slow_polls) = tokio::task::spawn_blocking(move || serve(offload)).await??;
        // A no-op on the real clock (the work took its 100 ms); on the paused clock, where the
        // other thread's 100 ms were not seen, it moves the clock to where a person's run would be.
        tokio::time::sleep_until(began + BLOCK).await;
        t.line(if offload {
            "right: the blocking call on spawn_blocking"
        } else {
            "wrong: std::thread::sleep in the handler"
        });
        t.line(format!(
            "  the quick request waited for the blocking work: {waited}"
        ));
        let threshold = StallConfig::default().threshold.as_millis();
        t.line(match slow_polls {
            0 => "  stall monitor: no stall".to_owned(),
            n => format!("  stall monitor: {n} poll of task `server` longer than {threshold} ms"),
        });
    }
    Ok(())
}

/// Serves the two requests on a fresh monitored runtime; returns whether the quick one waited,
/// and how many slow polls the monitor reported.
fn serve(offload: bool) -> anyhow::Result<(bool, usize)> {
    let monitor = StallMonitor::start(StallConfig::default())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let work = Work::new(BLOCK);
    let waited = runtime.block_on(monitor.instrument("server", async {
        if offload {
            let slow = blocking_the_runtime::handle_offloaded(work.clone());
            blocking_the_runtime::quick_waited_for(&work, slow).await
        } else {
            let slow = blocking_the_runtime::handle_blocking(work.clone());
            blocking_the_runtime::quick_waited_for(&work, slow).await
        }
    }));
    let slow_polls = monitor
        .reports()
        .iter()
        .filter(|stall| matches!(stall, Stall::SlowPoll { .. }))
        .count();
    Ok((waited, slow_polls))
}
