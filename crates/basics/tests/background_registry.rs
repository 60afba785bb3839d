//! The background registry on the paused clock: shutdown cancels, waits until the deadline,
//! aborts stragglers, reports each job's end, and leaves nothing running.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::{BackgroundRegistry, ShutdownReport};
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

/// Counts itself in `dropped` when the job's future is dropped, however it ended.
struct DropCounter(Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Stops `grace` after its token is cancelled.
async fn polite(token: CancellationToken, dropped: Arc<AtomicUsize>, grace: Duration) {
    let _counter = DropCounter(dropped);
    token.cancelled().await;
    sleep(grace).await;
}

/// Ignores its token and runs for an hour.
async fn stubborn(ticks: Arc<AtomicUsize>, dropped: Arc<AtomicUsize>) {
    let _counter = DropCounter(dropped);
    for _ in 0..3_600 {
        sleep(Duration::from_secs(1)).await;
        ticks.fetch_add(1, Ordering::SeqCst);
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

#[tokio::test(start_paused = true)]
async fn polite_jobs_stop_and_stubborn_ones_are_aborted_at_the_deadline() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let ticks = Arc::new(AtomicUsize::new(0));
    let mut registry = BackgroundRegistry::new();
    let d = Arc::clone(&dropped);
    registry.spawn("fast", |token| polite(token, d, Duration::ZERO));
    let d = Arc::clone(&dropped);
    registry.spawn("slow", |token| polite(token, d, Duration::from_millis(300)));
    let (d, k) = (Arc::clone(&dropped), Arc::clone(&ticks));
    registry.spawn("stubborn", |_token| stubborn(k, d));
    sleep(Duration::from_millis(2_500)).await;

    let start = Instant::now();
    let report = registry.shutdown(start + Duration::from_secs(1)).await;
    assert_eq!(
        report,
        ShutdownReport {
            stopped: names(&["fast", "slow"]),
            aborted: names(&["stubborn"]),
            panicked: Vec::new(),
        }
    );
    assert!(!report.is_clean());
    // The stubborn job kept shutdown waiting for the whole second, no longer.
    assert_eq!(start.elapsed(), Duration::from_secs(1));
    // Every job's future has been dropped when shutdown returns: nothing orphaned.
    assert_eq!(dropped.load(Ordering::SeqCst), 3);
    let ticks_at_shutdown = ticks.load(Ordering::SeqCst);
    sleep(Duration::from_secs(60)).await;
    assert_eq!(
        ticks.load(Ordering::SeqCst),
        ticks_at_shutdown,
        "the aborted job is gone"
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_returns_as_soon_as_every_job_stopped() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let mut registry = BackgroundRegistry::new();
    for (name, millis) in [("a", 100), ("b", 200)] {
        let d = Arc::clone(&dropped);
        registry.spawn(name, move |token| {
            polite(token, d, Duration::from_millis(millis))
        });
    }
    assert_eq!(registry.len(), 2);
    let start = Instant::now();
    let report = registry.shutdown(start + Duration::from_secs(30)).await;
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.stopped, names(&["a", "b"]));
    assert_eq!(start.elapsed(), Duration::from_millis(200));
}

#[tokio::test(start_paused = true)]
async fn a_deadline_already_past_aborts_every_running_job_at_once() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let mut registry = BackgroundRegistry::new();
    let d = Arc::clone(&dropped);
    registry.spawn("polite", |token| polite(token, d, Duration::ZERO));
    registry.spawn("already done", |_token| async {});
    // Let both start; "already done" returns on its first poll.
    tokio::task::yield_now().await;
    sleep(Duration::from_secs(1)).await;

    let start = Instant::now();
    let past = start - Duration::from_millis(500);
    let report = registry.shutdown(past).await;
    assert_eq!(report.stopped, names(&["already done"]));
    assert_eq!(report.aborted, names(&["polite"]));
    assert_eq!(start.elapsed(), Duration::ZERO);
    assert_eq!(dropped.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_job_is_reported_as_such() {
    let mut registry = BackgroundRegistry::new();
    registry.spawn("faulty", |_token| async {
        sleep(Duration::from_millis(100)).await;
        panic!("job fails");
    });
    sleep(Duration::from_secs(1)).await;
    let report = registry
        .shutdown(Instant::now() + Duration::from_secs(1))
        .await;
    assert_eq!(report.panicked, names(&["faulty"]));
    assert!(!report.is_clean());
}

#[tokio::test(start_paused = true)]
async fn an_empty_registry_shuts_down_at_once() {
    let registry = BackgroundRegistry::default();
    assert!(registry.is_empty());
    let start = Instant::now();
    let report = registry.shutdown(start + Duration::from_secs(5)).await;
    assert_eq!(report, ShutdownReport::default());
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn dropping_the_registry_stops_every_job() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let ticks = Arc::new(AtomicUsize::new(0));
    let mut registry = BackgroundRegistry::new();
    let d = Arc::clone(&dropped);
    registry.spawn("polite", |token| polite(token, d, Duration::from_secs(5)));
    let (d, k) = (Arc::clone(&dropped), Arc::clone(&ticks));
    registry.spawn("stubborn", |_token| stubborn(k, d));
    sleep(Duration::from_millis(1_500)).await;
    drop(registry);
    sleep(Duration::from_secs(60)).await;
    assert_eq!(dropped.load(Ordering::SeqCst), 2, "both jobs were stopped");
    assert_eq!(
        ticks.load(Ordering::SeqCst),
        1,
        "the stubborn job ticked once, at +1 s"
    );
}

#[tokio::test(start_paused = true)]
async fn every_straggler_is_aborted_at_the_deadline_not_one_after_another() {
    // The uploader holds a lock the indexer waits for, and neither looks at its token. Aborting
    // the uploader releases the lock; the indexer must not get to finish in that moment: it was
    // still running at the deadline, so it is aborted too, in the same instant.
    let lock = Arc::new(tokio::sync::Mutex::new(()));
    let held = Arc::clone(&lock).lock_owned().await;
    let finished = Arc::new(AtomicUsize::new(0));
    let mut registry = BackgroundRegistry::new();
    registry.spawn("uploader", move |_token| async move {
        let _held = held;
        sleep(Duration::from_secs(3_600)).await;
    });
    let (waiting, done) = (Arc::clone(&lock), Arc::clone(&finished));
    registry.spawn("indexer", move |_token| async move {
        let _guard = waiting.lock().await;
        done.fetch_add(1, Ordering::SeqCst);
    });
    sleep(Duration::from_millis(100)).await;

    let start = Instant::now();
    let report = registry.shutdown(start + Duration::from_secs(1)).await;
    assert_eq!(
        report.aborted,
        names(&["uploader", "indexer"]),
        "{report:?}"
    );
    assert!(report.stopped.is_empty(), "{report:?}");
    assert_eq!(start.elapsed(), Duration::from_secs(1));
    sleep(Duration::from_secs(5)).await;
    assert_eq!(
        finished.load(Ordering::SeqCst),
        0,
        "the indexer never ran past the deadline"
    );
}
