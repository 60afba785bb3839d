//! The worker pool on the paused clock: fixed workers run in parallel, in-flight items are
//! bounded, results come back unordered or ordered, a panic is one item's outcome, and closing
//! drains what was accepted.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::config::{ConfigError, MAX_CAPACITY};
use basics::task::TaskFailed;
use producer_consumer::worker_pool::{self, WorkerPoolConfig};
use tokio::time::{Instant, sleep, timeout};

fn config(workers: usize, capacity: usize) -> WorkerPoolConfig {
    WorkerPoolConfig { workers, capacity }
}

#[tokio::test(start_paused = true)]
async fn zero_or_too_large_workers_or_capacity_are_config_errors() {
    let work = |n: u32| async move { n };
    let too_large = |name| ConfigError::TooLarge {
        name,
        value: usize::MAX,
        max: MAX_CAPACITY,
    };
    assert_eq!(
        worker_pool::spawn(config(0, 4), work).unwrap_err(),
        ConfigError::Zero { name: "workers" }
    );
    assert_eq!(
        worker_pool::spawn(config(2, 0), work).unwrap_err(),
        ConfigError::Zero { name: "capacity" }
    );
    // Issue 10, item 10: a huge capacity used to panic allocating the input queue (and a huge
    // worker count would have spawned tasks until memory ran out).
    assert_eq!(
        worker_pool::spawn(config(usize::MAX, 4), work).unwrap_err(),
        too_large("workers")
    );
    assert_eq!(
        worker_pool::spawn(config(2, usize::MAX), work).unwrap_err(),
        too_large("capacity")
    );
    assert_eq!(
        ConfigError::Zero { name: "workers" }.to_string(),
        "workers must not be zero"
    );
}

#[tokio::test(start_paused = true)]
async fn three_workers_run_nine_jobs_in_three_waves() {
    let (pool, mut results) = worker_pool::spawn(config(3, 9), |n: u32| async move {
        sleep(Duration::from_millis(100)).await;
        n
    })
    .expect("valid config");
    let start = Instant::now();
    for n in 0..9 {
        pool.submit(n).await.expect("open");
    }
    drop(pool);
    let mut seen = Vec::new();
    while let Some(done) = results.recv().await {
        seen.push(done.output.expect("no panic"));
    }
    seen.sort_unstable();
    assert_eq!(seen, (0..9).collect::<Vec<_>>());
    assert_eq!(start.elapsed(), Duration::from_millis(300));
}

#[tokio::test(start_paused = true)]
async fn ordered_results_follow_submission_order_whatever_the_finishing_order() {
    let (pool, results) = worker_pool::spawn(config(4, 4), |n: u64| async move {
        sleep(Duration::from_millis(100 * (8 - n))).await;
        n
    })
    .expect("valid config");
    tokio::spawn(async move {
        for n in 0..8 {
            pool.submit(n).await.expect("open");
        }
    });
    let mut ordered = results.ordered();
    let mut indexes = Vec::new();
    while let Some(done) = ordered.recv().await {
        let output = done.output.expect("no panic");
        assert_eq!(usize::try_from(output), Ok(done.index));
        indexes.push(done.index);
    }
    assert_eq!(indexes, (0..8).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn ordered_results_waiting_for_an_earlier_one_keep_their_slots() {
    // Item 0 takes 1 s, item 1 none: item 1 waits in the reorder buffer, still holding its
    // slot, so with 2 slots the third submit waits until item 0 is handed out.
    let (pool, results) = worker_pool::spawn(config(2, 2), |n: u64| async move {
        if n == 0 {
            sleep(Duration::from_secs(1)).await;
        }
        n
    })
    .expect("valid config");
    let submitter = tokio::spawn(async move {
        let start = Instant::now();
        let mut accepted_at = Vec::new();
        for n in 0..3 {
            pool.submit(n).await.expect("open");
            accepted_at.push(start.elapsed());
        }
        accepted_at
    });
    let mut ordered = results.ordered();
    let mut indexes = Vec::new();
    while let Some(done) = ordered.recv().await {
        indexes.push(done.index);
    }
    assert_eq!(indexes, [0, 1, 2]);
    let accepted_at = submitter.await.expect("no panic");
    assert_eq!(
        accepted_at,
        [Duration::ZERO, Duration::ZERO, Duration::from_secs(1)]
    );
}

#[tokio::test(start_paused = true)]
async fn a_panic_is_that_items_outcome_and_the_worker_goes_on() {
    let (pool, mut results) = worker_pool::spawn(config(1, 4), |n: u32| async move {
        assert_ne!(n, 1, "item 1 panics");
        n
    })
    .expect("valid config");
    for n in 0..3 {
        pool.submit(n).await.expect("open");
    }
    drop(pool);
    let mut outcomes = Vec::new();
    while let Some(done) = results.recv().await {
        let output = done.output.map_err(|failed| match failed {
            TaskFailed::Panicked { index, payload } => {
                let message = payload.message().unwrap_or_default().to_owned();
                (index, message.contains("item 1 panics"))
            }
            TaskFailed::Cancelled { index } => (index, false),
        });
        outcomes.push((done.index, output));
    }
    assert_eq!(outcomes, [(0, Ok(0)), (1, Err((1, true))), (2, Ok(2))]);
}

#[tokio::test(start_paused = true)]
async fn in_flight_items_never_exceed_the_capacity() {
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (r, p) = (Arc::clone(&running), Arc::clone(&peak));
    let (pool, mut results) = worker_pool::spawn(config(8, 3), move |n: u32| {
        let (running, peak) = (Arc::clone(&r), Arc::clone(&p));
        async move {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            sleep(Duration::from_millis(50)).await;
            running.fetch_sub(1, Ordering::SeqCst);
            n
        }
    })
    .expect("valid config");
    let submitter = tokio::spawn(async move {
        for n in 0..30 {
            pool.submit(n).await.expect("open");
        }
    });
    let mut count = 0;
    while results.recv().await.is_some() {
        count += 1;
    }
    submitter.await.expect("no panic");
    assert_eq!(count, 30);
    assert_eq!(peak.load(Ordering::SeqCst), 3, "8 workers, but 3 slots");
}

#[tokio::test(start_paused = true)]
async fn submitting_and_reading_in_one_task_stalls_at_capacity() {
    let (pool, _results) =
        worker_pool::spawn(config(2, 4), |n: u32| async move { n }).expect("valid config");
    let all = async {
        for n in 0..10 {
            pool.submit(n).await.expect("open");
        }
    };
    // Nobody reads results, so the fifth submit waits for a slot forever.
    assert!(timeout(Duration::from_secs(60), all).await.is_err());
}

#[tokio::test(start_paused = true)]
async fn dropping_results_stops_the_workers_and_refuses_new_items() {
    let finished = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&finished);
    let (pool, results) = worker_pool::spawn(config(2, 4), move |n: u32| {
        let counter = Arc::clone(&counter);
        async move {
            sleep(Duration::from_secs(1)).await;
            counter.fetch_add(1, Ordering::SeqCst);
            n
        }
    })
    .expect("valid config");
    pool.submit(1).await.expect("open");
    sleep(Duration::from_millis(10)).await;
    drop(results);
    sleep(Duration::from_secs(5)).await;
    assert_eq!(finished.load(Ordering::SeqCst), 0, "the worker was aborted");
    assert_eq!(pool.submit(2).await.unwrap_err().0, 2);
}

#[tokio::test(start_paused = true)]
async fn closing_drains_the_accepted_items() {
    let (pool, mut results) = worker_pool::spawn(config(1, 5), |n: u32| async move {
        sleep(Duration::from_millis(100)).await;
        n
    })
    .expect("valid config");
    for n in 0..5 {
        pool.submit(n).await.expect("open");
    }
    assert!(pool.close());
    assert_eq!(pool.submit(9).await.unwrap_err().0, 9);
    let mut count = 0;
    while results.recv().await.is_some() {
        count += 1;
    }
    assert_eq!(count, 5);
}

#[tokio::test(start_paused = true)]
async fn a_submit_waiting_for_a_slot_fails_when_results_are_dropped() {
    let (pool, results) =
        worker_pool::spawn(config(1, 2), |n: u32| async move { n }).expect("valid config");
    pool.submit(0).await.expect("open");
    pool.submit(1).await.expect("open");
    let waiting = tokio::spawn(async move { pool.submit(2).await });
    tokio::task::yield_now().await;
    assert!(!waiting.is_finished(), "no slot is free");
    // Dropping `Results` frees the slots of the unread results, but the pool no longer
    // accepts work: the waiting submit gets its item back instead of queueing it for nobody.
    drop(results);
    let outcome = timeout(Duration::from_secs(60), waiting)
        .await
        .expect("the waiting submit returns")
        .expect("no panic");
    assert_eq!(outcome.unwrap_err().0, 2);
}

#[tokio::test(start_paused = true)]
async fn a_submit_waiting_behind_queued_items_does_not_hang_when_results_are_dropped() {
    let (pool, results) =
        worker_pool::spawn(config(1, 2), |n: u32| async move { n }).expect("valid config");
    // Both slots are held by queued items: the worker has not run yet.
    pool.submit(0).await.expect("open");
    pool.submit(1).await.expect("open");
    let submit = pool.submit(2);
    tokio::pin!(submit);
    assert!(futures::poll!(&mut submit).is_pending(), "no slot is free");
    // The worker is aborted before it takes an item, so no slot is ever freed by the items:
    // only the drop of `Results` itself can wake the waiting submit.
    drop(results);
    let outcome = timeout(Duration::from_secs(60), submit)
        .await
        .expect("the waiting submit does not hang");
    assert_eq!(outcome.unwrap_err().0, 2);
}

#[tokio::test(start_paused = true)]
async fn close_fails_a_submit_waiting_for_a_slot_at_once() {
    let (pool, mut results) = worker_pool::spawn(config(1, 1), |n: u32| async move {
        sleep(Duration::from_secs(3_600)).await;
        n
    })
    .expect("valid config");
    pool.submit(0).await.expect("open");
    let waiting = tokio::spawn({
        let pool = pool.clone();
        async move { pool.submit(1).await }
    });
    tokio::task::yield_now().await;
    assert!(!waiting.is_finished(), "the one slot is taken");
    let start = Instant::now();
    assert!(pool.close());
    let outcome = timeout(Duration::from_secs(60), waiting)
        .await
        .expect("the waiting submit does not wait for a slot")
        .expect("no panic");
    assert_eq!(outcome.unwrap_err().0, 1);
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "not after the hour-long item"
    );
    // The accepted item is still finished and reported.
    let done = results.recv().await.expect("the accepted item");
    assert_eq!(done.output.expect("no panic"), 0);
    assert!(results.recv().await.is_none());
}

// Review: `shutdown(self)` as the vocabulary has it: close, let accepted work finish, report.

#[tokio::test(start_paused = true)]
async fn shutdown_closes_every_handle_finishes_accepted_items_and_returns_the_rest() {
    let (pool, mut results) = worker_pool::spawn(config(2, 8), |n: u32| async move {
        sleep(Duration::from_millis(100 * u64::from(n + 1))).await;
        n
    })
    .expect("valid config");
    let start = Instant::now();
    for n in 0..5 {
        pool.submit(n).await.expect("open");
    }
    let first = results.recv().await.expect("an outcome");
    assert_eq!(
        (first.index, start.elapsed()),
        (0, Duration::from_millis(100))
    );
    // Another handle is still alive: shutdown closes the input for it too.
    let rest = timeout(Duration::from_secs(60), results.shutdown())
        .await
        .expect("shutdown cannot hang while a handle lives");
    let indices: Vec<usize> = rest.iter().map(|outcome| outcome.index).collect();
    assert_eq!(indices, [1, 2, 3, 4], "completion order");
    // Workers: 0 (0-100), 1 (0-200), 2 (100-400), 3 (200-600), 4 (400-900).
    assert_eq!(start.elapsed(), Duration::from_millis(900));
    assert!(rest.iter().all(|outcome| outcome.output.is_ok()));
    assert!(matches!(
        pool.submit(9).await,
        Err(producer_consumer::Closed(9))
    ));
    assert!(!pool.close(), "already closed by shutdown");
}

#[tokio::test(start_paused = true)]
async fn ordered_shutdown_returns_the_rest_in_submission_order() {
    let (pool, results) = worker_pool::spawn(config(3, 8), |n: u32| async move {
        sleep(Duration::from_millis(100 * u64::from(3 - n % 3))).await;
        n
    })
    .expect("valid config");
    for n in 0..6 {
        pool.submit(n).await.expect("open");
    }
    let mut ordered = results.ordered();
    let first = ordered.recv().await.expect("an outcome");
    assert_eq!(first.index, 0);
    let rest = ordered.shutdown().await;
    let indices: Vec<usize> = rest.iter().map(|outcome| outcome.index).collect();
    assert_eq!(indices, [1, 2, 3, 4, 5]);
}
