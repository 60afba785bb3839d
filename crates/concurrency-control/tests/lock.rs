//! Locks on the paused clock: the counter scenario ends at 50 and +0.5 s, the race across an
//! `.await` loses updates on one thread, and the std counter is exact.

use std::sync::Arc;
use std::time::Duration;

use concurrency_control::{AsyncCounter, RacyCounter, SyncCounter};
use tokio::time::{Instant, sleep};

const HOLD: Duration = Duration::from_millis(10);

#[tokio::test(start_paused = true)]
async fn five_workers_times_ten_increments_end_at_fifty_and_half_a_second() {
    let counter = AsyncCounter::default();
    let start = Instant::now();
    let workers = (0..5).map(|_| async {
        for _ in 0..10 {
            counter.increment_after(|| sleep(HOLD)).await;
        }
    });
    futures::future::join_all(workers).await;
    assert_eq!(counter.get().await, 50);
    assert_eq!(start.elapsed(), Duration::from_millis(500));
}

#[tokio::test(start_paused = true)]
async fn the_race_across_an_await_loses_updates_on_one_thread() {
    let counter = RacyCounter::default();
    let workers = (0..5).map(|_| async {
        for _ in 0..10 {
            counter.increment_after(|| sleep(HOLD)).await;
        }
    });
    futures::future::join_all(workers).await;
    // Each round, all five read the same value: five increments become one.
    assert_eq!(counter.get(), 10);
}

#[tokio::test(start_paused = true)]
async fn a_sleep_made_before_the_lock_would_start_its_clock_early() {
    // Why `increment_after` takes a closure: the 10 ms sleeps below are created while the
    // workers queue for the lock, so they all expire at +10 ms and the locked section is empty.
    let counter = tokio::sync::Mutex::new(0u32);
    let start = Instant::now();
    let workers = (0..5).map(|_| async {
        let early = sleep(HOLD);
        let mut value = counter.lock().await;
        early.await;
        *value += 1;
    });
    futures::future::join_all(workers).await;
    assert_eq!(start.elapsed(), HOLD, "not 5 x 10 ms");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_std_counter_is_exact_across_threads() {
    let counter = Arc::new(SyncCounter::default());
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let counter = Arc::clone(&counter);
        tasks.spawn(async move {
            for _ in 0..1_000 {
                counter.increment();
                tokio::task::yield_now().await;
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.expect("no task panics");
    }
    assert_eq!(counter.get(), 8_000);
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_locked_update_releases_the_lock_without_counting() {
    let counter = AsyncCounter::default();
    let cut = tokio::time::timeout(
        Duration::from_millis(5),
        counter.increment_after(|| sleep(HOLD)),
    )
    .await;
    assert!(cut.is_err());
    assert_eq!(counter.increment().await, 1, "the lock is free again");
}
