//! The stall monitor's overhead on the W1 gather: 100 000 tasks, each sleeping 10 ms, on a
//! multi-thread runtime, real time, with and without the monitor.
//!
//! Entries take turns for five rounds and each keeps its fastest run; the baseline runs again
//! at the end, and the spread between the two baseline rows is the noise of this machine.
//!
//! Run: `cargo bench -p testing --bench stall_monitor` (release mode).

use std::time::{Duration, Instant};

use testing::bench::{Report, Value};
use testing::stall_monitor::{StallConfig, StallMonitor};
use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinSet;

const TASKS: usize = 100_000;
const NAP: Duration = Duration::from_millis(10);
const ROUNDS: usize = 7;

fn runtime(monitor: Option<&StallMonitor>) -> Runtime {
    let mut builder = Builder::new_multi_thread();
    builder.enable_all();
    match monitor {
        Some(monitor) => monitor.build_runtime(&mut builder),
        None => builder.build(),
    }
    .expect("a multi-thread runtime builds")
}

fn gather(runtime: &Runtime, monitor: Option<&StallMonitor>) -> Duration {
    let start = Instant::now();
    runtime.block_on(async {
        let mut set = JoinSet::new();
        for _ in 0..TASKS {
            let nap = tokio::time::sleep(NAP);
            match monitor {
                Some(monitor) => set.spawn(monitor.instrument("nap", nap)),
                None => set.spawn(nap),
            };
        }
        while let Some(joined) = set.join_next().await {
            joined.expect("no task panics");
        }
    });
    start.elapsed()
}

fn main() {
    let monitor = StallMonitor::start(StallConfig::default()).expect("valid");
    let plain = runtime(None);
    let watched = runtime(Some(&monitor));
    let entries: [(&str, &Runtime, Option<&StallMonitor>); 4] = [
        ("no monitor", &plain, None),
        ("monitor: busy workers + probe", &watched, None),
        (
            "monitor + every task instrumented",
            &watched,
            Some(&monitor),
        ),
        ("no monitor (again: noise)", &plain, None),
    ];
    let mut best = [Duration::MAX; 4];
    for _ in 0..ROUNDS {
        for (index, (_, runtime, instrument)) in entries.iter().enumerate() {
            best[index] = best[index].min(gather(runtime, *instrument));
        }
    }
    let mut report = Report::new(format!(
        "W1 gather: {TASKS} tasks, each sleeping {} ms, multi-thread runtime (best of {ROUNDS})",
        NAP.as_millis()
    ));
    for ((name, _, _), time) in entries.iter().zip(best) {
        report.add(*name, Value::Time(time));
    }
    report.print();
    println!(
        "  stall reports during the benchmark: {} (busy-worker reports count CPU-bound stretches too)",
        monitor.reports().len()
    );
}
