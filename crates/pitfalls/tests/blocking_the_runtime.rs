//! Blocking the runtime: the quick request waits for the blocking one and the stall monitor
//! reports the slow poll; offloaded, the quick one runs during the blocking work and nothing
//! stalls. `block_in_place`'s panic on a current-thread runtime is pinned.
//!
//! The symptom needs a real blocking call, so these tests block a thread for 100 ms of real
//! time; what they assert does not depend on how long the machine takes.

use std::path::Path;
use std::time::Duration;

use futures::FutureExt as _;
use pitfalls::blocking_the_runtime::{self, Work};
use testing::stall_monitor::{Stall, StallConfig, StallMonitor};

const BLOCK: Duration = Duration::from_millis(100);

/// A current-thread runtime whose instrumented futures the monitor times (slow-poll detector
/// only, so the reports are exactly the slow polls).
fn monitored() -> (StallMonitor, tokio::runtime::Runtime) {
    let monitor = StallMonitor::start(StallConfig::default()).expect("the default config is valid");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the OS lets a runtime start");
    (monitor, runtime)
}

fn slow_polls(monitor: &StallMonitor) -> Vec<Stall> {
    monitor
        .reports()
        .into_iter()
        .filter(|stall| matches!(stall, Stall::SlowPoll { .. }))
        .collect()
}

#[test]
fn a_blocking_call_stalls_every_task_on_its_thread() {
    let (monitor, runtime) = monitored();
    let work = Work::new(BLOCK);
    let serve = blocking_the_runtime::quick_waited_for(
        &work,
        blocking_the_runtime::handle_blocking(work.clone()),
    );
    let waited = runtime.block_on(monitor.instrument("server", serve));
    assert!(
        waited,
        "the quick request got the thread only after the blocking work"
    );
    let threshold = StallConfig::default().threshold;
    let slow = slow_polls(&monitor);
    assert!(
        matches!(slow.as_slice(), [Stall::SlowPoll { task, lasted }] if task == "server" && *lasted > threshold),
        "{slow:?}"
    );
}

#[test]
fn spawn_blocking_keeps_the_runtime_thread_free() {
    let (monitor, runtime) = monitored();
    let work = Work::new(BLOCK);
    let serve = blocking_the_runtime::quick_waited_for(
        &work,
        blocking_the_runtime::handle_offloaded(work.clone()),
    );
    let waited = runtime.block_on(monitor.instrument("server", serve));
    assert!(
        !waited,
        "the quick request ran while the blocking work went on"
    );
    assert!(
        work.is_done(),
        "and the work was done before the handler returned"
    );
    assert_eq!(slow_polls(&monitor), []);
}

#[tokio::test(start_paused = true)]
async fn block_in_place_panics_on_a_current_thread_runtime() {
    let quiet = testing::QuietPanics::new();
    let caught = std::panic::AssertUnwindSafe(blocking_the_runtime::handle_in_place(Work::new(
        Duration::from_millis(1),
    )))
    .catch_unwind()
    .await;
    drop(quiet);
    let payload = basics::PanicPayload::new(caught.expect_err("block_in_place panics here"));
    assert_eq!(
        payload.message(),
        Some("can call blocking only when running on the multi-threaded runtime")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn block_in_place_runs_on_a_multi_thread_runtime() {
    let work = Work::new(Duration::from_millis(1));
    let task = tokio::spawn(blocking_the_runtime::handle_in_place(work.clone()));
    assert!(task.await.is_ok());
    assert!(work.is_done());
}

#[tokio::test(start_paused = true)]
async fn tokio_fs_reads_what_std_fs_reads() -> anyhow::Result<()> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let through_tokio = blocking_the_runtime::read_config(&path).await?;
    let through_std = blocking_the_runtime::read_config_blocking(&path).await?;
    assert_eq!(through_tokio, through_std);
    assert!(through_tokio.contains("name = \"pitfalls\""));
    Ok(())
}
