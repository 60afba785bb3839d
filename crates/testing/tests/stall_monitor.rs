//! The stall monitor: each requirement shown on a runtime with a real block.
//!
//! These tests block a runtime thread for real (that is what they measure), so they run on the
//! real clock and keep each block to 50 ms.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use testing::stall_monitor::{Stall, StallConfig, StallMonitor};
use tokio::runtime::Builder;

const BLOCK: Duration = Duration::from_millis(50);
const DEADLINE: Duration = Duration::from_millis(100);

#[expect(
    clippy::disallowed_methods,
    reason = "the monitor must see a real block of a runtime thread"
)]
fn block_the_thread() {
    std::thread::sleep(BLOCK);
}

/// Each report with the real instant it arrived.
type Seen = Arc<Mutex<Vec<(Instant, Stall)>>>;

/// A monitor whose callback records when each report arrived, on the real clock.
fn monitor() -> (StallMonitor, Seen) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let monitor = StallMonitor::start_with_callback(StallConfig::default(), move |stall| {
        record.lock().unwrap().push((Instant::now(), stall.clone()));
    })
    .expect("the default configuration is valid");
    (monitor, seen)
}

/// Runs one task that blocks for 50 ms on a runtime built from `builder` with the monitor, and
/// returns the reports with the real time from the block's start to each report.
fn block_once(mut builder: Builder, instrumented: bool) -> Vec<(Duration, Stall)> {
    let (monitor, seen) = monitor();
    let runtime = monitor
        .build_runtime(builder.enable_all())
        .expect("the runtime builds");
    let started = runtime.block_on(async {
        // The runtime idles once first, as a running program has: the busy-worker detector
        // watches a thread from its first park on.
        tokio::time::sleep(Duration::from_millis(1)).await;
        let blocking = async {
            let started = Instant::now();
            block_the_thread();
            started
        };
        let task = if instrumented {
            tokio::spawn(monitor.instrument("resize images", blocking))
        } else {
            tokio::spawn(blocking)
        };
        let started = task.await.expect("the task does not panic");
        // Give the watchdog a look after the block, as a test would before asserting.
        tokio::time::sleep(Duration::from_millis(20)).await;
        started
    });
    drop(runtime);
    let seen = seen.lock().unwrap().clone();
    seen.into_iter()
        .map(|(at, stall)| (at.saturating_duration_since(started), stall))
        .collect()
}

fn first_report_within_deadline(reports: &[(Duration, Stall)]) -> Duration {
    let first = reports
        .iter()
        .map(|(at, _)| *at)
        .min()
        .expect("a stall was reported");
    assert!(
        first <= DEADLINE,
        "first report {first:?} after the block began: {reports:?}"
    );
    first
}

// ANCHOR: flavors
#[test]
fn a_50_ms_block_is_flagged_within_100_ms_on_current_thread() {
    let reports = block_once(Builder::new_current_thread(), false);
    first_report_within_deadline(&reports);
    // The one thread was busy, and the probe could not start.
    assert!(
        reports
            .iter()
            .any(|(_, s)| matches!(s, Stall::WorkerBusy { worker: 0, .. })),
        "{reports:?}"
    );
    assert!(
        reports
            .iter()
            .any(|(_, s)| matches!(s, Stall::Starved { .. })),
        "{reports:?}"
    );
}

#[test]
fn a_50_ms_block_is_flagged_within_100_ms_on_multi_thread() {
    let mut builder = Builder::new_multi_thread();
    builder.worker_threads(2);
    let reports = block_once(builder, false);
    first_report_within_deadline(&reports);
    // One worker was blocked; the busy-worker detector names it by its thread.
    assert!(
        reports.iter().any(
            |(_, s)| matches!(s, Stall::WorkerBusy { thread, .. } if thread == "tokio-rt-worker")
        ),
        "{reports:?}"
    );
}
// ANCHOR_END: flavors

// ANCHOR: named
#[test]
fn an_instrumented_task_is_named() {
    let mut builder = Builder::new_multi_thread();
    builder.worker_threads(2);
    let reports = block_once(builder, true);
    first_report_within_deadline(&reports);
    let named = reports.iter().find_map(|(_, stall)| match stall {
        Stall::SlowPoll { task, lasted } => Some((task.clone(), *lasted)),
        _ => None,
    });
    let (task, lasted) = named.expect("the slow poll was reported");
    assert_eq!(task, "resize images");
    assert!(lasted > StallConfig::default().threshold);
}
// ANCHOR_END: named

// ANCHOR: assert_no_stall
#[test]
fn a_quiet_runtime_has_no_reports() {
    let monitor = StallMonitor::start(StallConfig::default()).expect("valid");
    let runtime = monitor
        .build_runtime(Builder::new_current_thread().enable_all())
        .expect("the runtime builds");
    runtime.block_on(monitor.instrument("quiet", async {
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }));
    monitor.assert_no_stall();
    assert_eq!(monitor.check(), Ok(()));
}

#[test]
fn check_returns_every_report_as_an_error() {
    let (monitor, _) = monitor();
    let runtime = monitor
        .build_runtime(Builder::new_current_thread().enable_all())
        .expect("the runtime builds");
    runtime.block_on(monitor.instrument("blocker", async { block_the_thread() }));
    let stalled = monitor.check().expect_err("the block was seen");
    assert!(
        stalled
            .to_string()
            .contains("task `blocker` blocked its thread"),
        "{stalled}"
    );
}
// ANCHOR_END: assert_no_stall

#[test]
fn a_paused_clock_does_not_hide_a_block() {
    // tokio's clock does not move during a blocking call; the monitor's std clock does.
    let (monitor, _) = monitor();
    let runtime = monitor
        .build_runtime(
            Builder::new_current_thread()
                .enable_all()
                .start_paused(true),
        )
        .expect("the runtime builds");
    let virtual_elapsed = runtime.block_on(async {
        let start = tokio::time::Instant::now();
        block_the_thread();
        start.elapsed()
    });
    assert_eq!(virtual_elapsed, Duration::ZERO);
    assert!(monitor.check().is_err());
}
