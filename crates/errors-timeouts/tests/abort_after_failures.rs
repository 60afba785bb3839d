//! Abort after N failures: in-flight work really is cancelled at the limit (★ defect 2).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::ConfigError;
use errors_timeouts::{on_drop, run_until_failures};
use proptest::prelude::*;
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn in_flight_work_is_cancelled_at_the_limit() {
    let cleaned = Arc::new(AtomicUsize::new(0));
    let completed = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let jobs = (1..=10u64).map(|n| {
        let (cleaned, completed) = (Arc::clone(&cleaned), Arc::clone(&completed));
        async move {
            let cleanup = on_drop(move || {
                cleaned.fetch_add(1, Ordering::SeqCst);
            });
            sleep(Duration::from_millis(200 * n)).await;
            cleanup.disarm();
            completed.fetch_add(1, Ordering::SeqCst);
            if [2, 4, 5].contains(&n) {
                Err(n)
            } else {
                Ok(n)
            }
        }
    });
    let report = run_until_failures(jobs, 3)
        .await
        .expect("a limit of 3 is valid");
    // The clock stopped at the third failure (+1 s), not at the slowest job (+2 s).
    assert_eq!(start.elapsed(), Duration::from_secs(1));
    assert_eq!(report.failed, [(1, 2), (3, 4), (4, 5)]);
    assert_eq!(report.succeeded, [(0, 1), (2, 3)]);
    assert_eq!(report.cancelled, [5, 6, 7, 8, 9]);
    assert!(report.aborted());
    // When it returned, every cancelled job's cleanup had already run.
    assert_eq!(cleaned.load(Ordering::SeqCst), 5);
    sleep(Duration::from_secs(10)).await;
    assert_eq!(
        completed.load(Ordering::SeqCst),
        5,
        "no cancelled job ran on"
    );
}

#[tokio::test(start_paused = true)]
async fn a_panic_counts_as_a_failure() {
    let jobs = (0..3u64).map(|n| async move {
        sleep(Duration::from_millis(100 * (n + 1))).await;
        if n == 0 {
            panic!("job 0 panics");
        }
        Ok::<_, ()>(n)
    });
    let quiet = testing::QuietPanics::new();
    let report = run_until_failures(jobs, 1).await.expect("valid limit");
    drop(quiet);
    let panicked: Vec<usize> = report.panicked.iter().map(|(index, _)| *index).collect();
    assert_eq!(panicked, [0]);
    assert_eq!(report.panicked[0].1.message(), Some("job 0 panics"));
    assert_eq!(report.cancelled, [1, 2]);
}

#[tokio::test(start_paused = true)]
async fn a_zero_or_huge_limit_is_a_config_error_and_nothing_runs() {
    for (limit, expected) in [
        (
            0,
            ConfigError::Zero {
                name: "max_failures",
            },
        ),
        (
            usize::MAX,
            ConfigError::TooLarge {
                name: "max_failures",
                value: usize::MAX,
                max: basics::config::MAX_CAPACITY,
            },
        ),
    ] {
        let started = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&started);
        let jobs = [async move {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok::<u8, u8>(1)
        }];
        let error = run_until_failures(jobs, limit).await.expect_err("refused");
        assert_eq!(error, expected);
        assert_eq!(started.load(Ordering::SeqCst), 0, "nothing was spawned");
    }
}

#[tokio::test(start_paused = true)]
async fn under_the_limit_everything_finishes() {
    let jobs = (1..=4u64).map(|n| async move {
        sleep(Duration::from_secs(n)).await;
        if n == 2 { Err(n) } else { Ok(n) }
    });
    let report = run_until_failures(jobs, 2).await.expect("valid limit");
    assert!(!report.aborted());
    assert_eq!(report.succeeded.len() + report.failed.len(), 4);
}

proptest! {
    /// Nothing is lost or counted twice: every job is reported exactly once, and no job is
    /// cancelled unless the limit was reached.
    #[test]
    fn every_job_is_reported_exactly_once(
        outcomes in proptest::collection::vec((1u64..50, any::<bool>()), 0..20),
        limit in 1usize..5,
    ) {
        let runtime = testing::paused_runtime();
        let jobs = outcomes.clone().into_iter().map(|(ms, ok)| async move {
            sleep(Duration::from_millis(ms * 10)).await;
            if ok { Ok(ms) } else { Err(ms) }
        });
        let report = runtime.block_on(run_until_failures(jobs, limit)).expect("valid limit");
        let total = report.succeeded.len() + report.failed.len() + report.cancelled.len();
        prop_assert_eq!(total, outcomes.len());
        prop_assert!(report.failed.len() <= outcomes.iter().filter(|(_, ok)| !ok).count());
        if report.aborted() {
            prop_assert!(report.failed.len() >= limit);
        }
    }
}
