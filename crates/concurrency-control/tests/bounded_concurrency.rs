//! Bounded concurrency on the paused clock: the catalogue's 20 × 0.5 s with 3 at once ends at
//! +3.5 s in every form, and for any limit the number in flight never exceeds it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::{ConfigError, TaskFailed};
use concurrency_control::BoundedMap;
use proptest::prelude::*;
use tokio::time::{Instant, sleep};

/// Counts operations in flight and remembers the highest count seen.
#[derive(Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    async fn hold(&self, duration: Duration) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        sleep(duration).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

#[tokio::test(start_paused = true)]
async fn twenty_calls_three_at_once_take_seven_waves_in_every_form() {
    let limit = BoundedMap::new(3).expect("3 is a valid limit");
    let half = Duration::from_millis(500);

    let gauge = Gauge::default();
    let gauge_ref = &gauge;
    let start = Instant::now();
    let out = limit
        .ordered(1..=20, |n| async move {
            let gauge = gauge_ref;
            gauge.hold(half).await;
            n
        })
        .await;
    assert_eq!(out, (1..=20).collect::<Vec<_>>());
    assert_eq!(start.elapsed(), Duration::from_millis(3_500));
    assert_eq!(gauge.peak.load(Ordering::SeqCst), 3);

    let start = Instant::now();
    let mut out = limit
        .unordered(1..=20, |n| async move {
            sleep(half).await;
            n
        })
        .await;
    assert_eq!(start.elapsed(), Duration::from_millis(3_500));
    out.sort_unstable();
    assert_eq!(out, (1..=20).collect::<Vec<_>>());

    let gauge = Arc::new(Gauge::default());
    let start = Instant::now();
    let out = limit
        .spawn(1..=20, |n| {
            let gauge = Arc::clone(&gauge);
            async move {
                gauge.hold(half).await;
                n
            }
        })
        .await
        .expect("no task panics");
    assert_eq!(out, (1..=20).collect::<Vec<_>>());
    assert_eq!(start.elapsed(), Duration::from_millis(3_500));
    assert_eq!(gauge.peak.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn unordered_results_come_in_completion_order() {
    let limit = BoundedMap::new(3).expect("valid");
    let out = limit
        .unordered([300u64, 100, 200], |ms| async move {
            sleep(Duration::from_millis(ms)).await;
            ms
        })
        .await;
    assert_eq!(out, [100, 200, 300]);
}

#[tokio::test(start_paused = true)]
async fn spawn_holds_at_most_limit_tasks_not_one_per_item() {
    // The permit is taken before the spawn: with 1 000 items and a limit of 2, the runtime never
    // holds more than 2 of our tasks.
    let limit = BoundedMap::new(2).expect("valid");
    let handle = tokio::runtime::Handle::current();
    let peak_tasks = Arc::new(AtomicUsize::new(0));
    let before = handle.metrics().num_alive_tasks();
    let out = limit
        .spawn(0..1_000, |n| {
            let (peak, handle) = (Arc::clone(&peak_tasks), handle.clone());
            async move {
                peak.fetch_max(
                    handle.metrics().num_alive_tasks() - before,
                    Ordering::SeqCst,
                );
                sleep(Duration::from_millis(1)).await;
                n
            }
        })
        .await
        .expect("no task panics");
    assert_eq!(out.len(), 1_000);
    assert!(peak_tasks.load(Ordering::SeqCst) <= 2, "{peak_tasks:?}");
}

#[tokio::test(start_paused = true)]
async fn a_panicking_task_is_reported_and_the_others_aborted() {
    let _quiet = testing::QuietPanics::new();
    let finished = Arc::new(AtomicUsize::new(0));
    let limit = BoundedMap::new(4).expect("valid");
    let outcome = limit
        .spawn(0..4, |n| {
            let finished = Arc::clone(&finished);
            async move {
                if n == 1 {
                    sleep(Duration::from_millis(10)).await;
                    panic!("item 1 fails");
                }
                sleep(Duration::from_secs(1)).await;
                finished.fetch_add(1, Ordering::SeqCst);
            }
        })
        .await;
    let Err(TaskFailed::Panicked { index, payload }) = outcome else {
        panic!("item 1 panics");
    };
    assert_eq!((index, payload.message()), (1, Some("item 1 fails")));
    sleep(Duration::from_secs(5)).await;
    assert_eq!(finished.load(Ordering::SeqCst), 0);
}

#[test]
fn a_limit_of_zero_or_past_the_maximum_is_a_config_error() {
    assert_eq!(BoundedMap::new(0), Err(ConfigError::Zero { name: "limit" }));
    assert!(matches!(
        BoundedMap::new(usize::MAX),
        Err(ConfigError::TooLarge { name: "limit", .. })
    ));
}

proptest! {
    #[test]
    fn in_flight_never_exceeds_the_limit_and_every_item_runs_once(
        limit in 1usize..8,
        durations in proptest::collection::vec(0u64..50, 0..60),
        form in 0u8..3,
    ) {
        testing::paused_runtime().block_on(async {
            let bounded = BoundedMap::new(limit).expect("valid");
            let gauge = Arc::new(Gauge::default());
            let runs: Arc<Vec<AtomicUsize>> =
                Arc::new(durations.iter().map(|_| AtomicUsize::new(0)).collect());
            let work = |(index, ms): (usize, u64)| {
                let (gauge, runs) = (Arc::clone(&gauge), Arc::clone(&runs));
                async move {
                    runs[index].fetch_add(1, Ordering::SeqCst);
                    gauge.hold(Duration::from_millis(ms)).await;
                    index
                }
            };
            let items = durations.iter().copied().enumerate();
            let mut out = match form {
                0 => bounded.ordered(items, work).await,
                1 => bounded.unordered(items, work).await,
                _ => bounded.spawn(items, work).await.expect("no task panics"),
            };
            prop_assert!(gauge.peak.load(Ordering::SeqCst) <= limit);
            prop_assert!(runs.iter().all(|count| count.load(Ordering::SeqCst) == 1));
            out.sort_unstable();
            prop_assert_eq!(out, (0..durations.len()).collect::<Vec<_>>());
            Ok(())
        })?;
    }
}
