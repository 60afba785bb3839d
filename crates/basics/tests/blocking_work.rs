//! Blocking work off the runtime: a ticker keeps ticking beside a blocked job (paused clock,
//! driven by hand), the stall monitor measures a stall for a job run inline and none for the
//! same job through `spawn_blocking`, the dedicated pool is built once and reused, its queue is
//! bounded, and bad sizes and late submissions are typed errors.
//!
//! The blocking jobs wait on std channels (latches) that the test releases: they block a real
//! thread for as long as the test wants, with no real sleep. The stall monitor's test is the
//! exception: a stall is real time, so its job blocks for 120 ms of it.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use basics::blocking_work::{MAX_THREADS, blocking_double};
use basics::config::{ConfigError, MAX_CAPACITY};
use basics::{BlockingPool, BlockingPoolConfig, BlockingPoolError, BlockingPoolSpawnError};
use testing::ms;
use testing::stall_monitor::{Stall, StallConfig, StallMonitor};
use tokio::task::JoinHandle;
use tokio::time::{Instant, advance, interval};

/// A ticker every 100 ms that counts its ticks (the first one is immediate).
fn ticker() -> (Arc<AtomicUsize>, JoinHandle<()>) {
    let ticks = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&ticks);
    let handle = tokio::spawn(async move {
        let mut every = interval(Duration::from_millis(100));
        loop {
            every.tick().await;
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    (ticks, handle)
}

/// A blocking job that doubles `n` once the latch is released (or dropped).
fn latched_double(n: u64) -> (std_mpsc::Sender<()>, impl FnOnce() -> u64 + Send + 'static) {
    let (release, latch) = std_mpsc::channel::<()>();
    (release, move || {
        // Blocks this thread, as a synchronous library call would, until the test says so. The
        // timeout (real time) is a watchdog: were the job run on the runtime thread, the test
        // could never release it; the job then ends by itself and the test's "still blocked"
        // assertion fails instead of the test hanging.
        let _ = latch.recv_timeout(Duration::from_secs(10));
        n * 2
    })
}

/// Moves the paused clock forward by `steps` × 100 ms, letting the ticker run after each step.
async fn drive(steps: u32) {
    for _ in 0..steps {
        advance(Duration::from_millis(100)).await;
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn spawn_blocking_work_does_not_stall_a_ticker() {
    let (ticks, ticker) = ticker();
    let (release, job) = latched_double(21);
    let job = tokio::task::spawn_blocking(job);
    // tokio stops auto-advancing the paused clock while a spawn_blocking job runs, so the test
    // drives it: five steps of 100 ms while the job is still blocked.
    drive(5).await;
    assert!(
        !job.is_finished(),
        "the job should still be blocked on its latch, off the runtime"
    );
    assert!(ticks.load(Ordering::SeqCst) >= 5, "the ticker kept ticking");
    release.send(()).expect("the job is waiting");
    assert_eq!(job.await.expect("no panic"), 42);
    ticker.abort();
}

// ANCHOR: stall_monitor
#[tokio::test(start_paused = true)]
async fn the_stall_monitor_measures_an_inline_stall_and_none_with_spawn_blocking() {
    // The monitor reads the real clock: the paused one does not move during a blocking call.
    let monitor = StallMonitor::start(StallConfig {
        threshold: ms(100),
        ..StallConfig::default()
    })
    .expect("a valid configuration");
    let start = Instant::now();
    let inline = monitor
        .instrument("inline", async { blocking_double(21, ms(120)) })
        .await;
    let off = monitor
        .instrument("spawn_blocking", async {
            tokio::task::spawn_blocking(|| blocking_double(21, ms(120))).await
        })
        .await
        .expect("no panic");
    assert_eq!((inline, off), (42, 42));
    assert_eq!(start.elapsed(), Duration::ZERO, "tokio's clock saw nothing");
    // One report: the inline poll, which held the runtime thread for over 100 ms. The poll
    // that waited for spawn_blocking returned at once, twice.
    let reports = monitor.reports();
    assert!(
        matches!(
            reports.as_slice(),
            [Stall::SlowPoll { task, lasted }] if task == "inline" && *lasted > ms(100)
        ),
        "{reports:?}"
    );
}
// ANCHOR_END: stall_monitor

#[tokio::test(start_paused = true)]
async fn pool_work_does_not_stall_a_ticker() {
    let pool = BlockingPool::spawn(BlockingPoolConfig {
        threads: 1,
        queue: 1,
    })
    .expect("sizes");
    let (ticks, ticker) = ticker();
    let (release, job) = latched_double(21);
    let running = {
        let pool = pool.clone();
        tokio::spawn(async move { pool.run(job).await })
    };
    drive(5).await;
    assert!(
        !running.is_finished(),
        "the job should still be blocked on its latch, off the runtime"
    );
    assert!(ticks.load(Ordering::SeqCst) >= 5, "the ticker kept ticking");
    release.send(()).expect("the job is waiting");
    assert_eq!(running.await.expect("no panic").expect("the job ran"), 42);
    ticker.abort();
    pool.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn five_jobs_double_their_inputs() {
    let pool = BlockingPool::spawn(BlockingPoolConfig {
        threads: 2,
        queue: 5,
    })
    .expect("sizes");
    let doubled = basics::gather((1..=5u64).map(|n| pool.run(move || n * 2))).await;
    let doubled: Result<Vec<_>, _> = doubled.into_iter().collect();
    assert_eq!(doubled.expect("every job runs"), [2, 4, 6, 8, 10]);
    pool.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn the_pool_is_created_once_and_reused() {
    let pool = BlockingPool::spawn(BlockingPoolConfig {
        threads: 2,
        queue: 4,
    })
    .expect("sizes");
    let mut seen = HashSet::new();
    for _batch in 0..3 {
        let ids = basics::gather((0..4).map(|_| pool.run(|| std::thread::current().id()))).await;
        for id in ids {
            seen.insert(id.expect("the job runs"));
        }
    }
    // Twelve calls, never more than the pool's two threads: nothing is built per call.
    assert!(seen.len() <= pool.threads(), "{} threads seen", seen.len());
    assert!(
        !seen.contains(&std::thread::current().id()),
        "never on the runtime thread"
    );
    pool.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn the_queue_is_bounded_and_callers_wait_for_a_slot() {
    let pool = BlockingPool::spawn(BlockingPoolConfig {
        threads: 1,
        queue: 1,
    })
    .expect("sizes");
    let (release_first, first) = latched_double(1);
    let (release_second, second) = latched_double(2);
    let spawn_run = |job: Box<dyn FnOnce() -> u64 + Send>| {
        let pool = pool.clone();
        tokio::spawn(async move { pool.run(job).await })
    };
    let first = spawn_run(Box::new(first)); // taken by the only thread, blocks there
    tokio::task::yield_now().await;
    let second = spawn_run(Box::new(second)); // waits in the queue's one slot
    tokio::task::yield_now().await;
    // The third caller finds the thread busy and the queue full: it waits, unqueued.
    let mut third = tokio_test::task::spawn(pool.run(|| 3 * 2));
    // Whether the thread has already taken the first job or not, the one slot is taken and the
    // second caller is ahead in line (the queue's slots are handed out first come, first served).
    tokio_test::assert_pending!(third.poll());
    release_first.send(()).expect("first job waits");
    assert_eq!(first.await.expect("no panic").expect("ran"), 2);
    release_second.send(()).expect("second job waits");
    assert_eq!(second.await.expect("no panic").expect("ran"), 4);
    assert_eq!(third.await.expect("ran"), 6);
    pool.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_finishes_accepted_jobs_then_refuses_new_ones() {
    let pool = BlockingPool::spawn(BlockingPoolConfig {
        threads: 1,
        queue: 4,
    })
    .expect("sizes");
    let done = Arc::new(AtomicUsize::new(0));
    let jobs: Vec<_> = (0..3)
        .map(|_| {
            let pool = pool.clone();
            let done = Arc::clone(&done);
            tokio::spawn(async move { pool.run(move || done.fetch_add(1, Ordering::SeqCst)).await })
        })
        .collect();
    tokio::task::yield_now().await; // every job is queued
    let other = pool.clone();
    pool.shutdown().await;
    assert_eq!(
        done.load(Ordering::SeqCst),
        3,
        "accepted jobs ran before the threads exited"
    );
    for job in jobs {
        job.await
            .expect("no panic")
            .expect("accepted before the shutdown");
    }
    assert!(matches!(
        other.run(|| ()).await,
        Err(BlockingPoolError::Closed)
    ));
    assert!(!other.close(), "already closed by the shutdown");
    other.shutdown().await; // a second shutdown returns at once
}

#[tokio::test(start_paused = true)]
async fn a_panicking_job_is_an_error_and_the_thread_survives() {
    let pool = BlockingPool::spawn(BlockingPoolConfig {
        threads: 1,
        queue: 1,
    })
    .expect("sizes");
    let outcome = pool.run(|| -> u8 { panic!("job bug") }).await;
    let Err(BlockingPoolError::JobPanicked(payload)) = outcome else {
        panic!("expected the job's panic, got {outcome:?}");
    };
    assert_eq!(payload.message(), Some("job bug"));
    assert_eq!(pool.run(|| 7).await.expect("the one thread still works"), 7);
    pool.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn close_refuses_new_jobs_at_once_for_every_clone() {
    let pool = BlockingPool::spawn(BlockingPoolConfig {
        threads: 1,
        queue: 1,
    })
    .expect("sizes");
    let other = pool.clone();
    assert!(other.close(), "this call closed it");
    assert!(!pool.close(), "already closed");
    assert!(matches!(
        pool.run(|| 1).await,
        Err(BlockingPoolError::Closed)
    ));
    pool.shutdown().await;
}

fn refused(threads: usize, queue: usize) -> ConfigError {
    match BlockingPool::spawn(BlockingPoolConfig { threads, queue }) {
        Err(BlockingPoolSpawnError::Config(error)) => error,
        other => panic!("expected a ConfigError, got {other:?}"),
    }
}

#[test]
fn zero_or_huge_sizes_are_config_errors_not_panics() {
    assert_eq!(refused(0, 1), ConfigError::Zero { name: "threads" });
    assert_eq!(refused(1, 0), ConfigError::Zero { name: "queue" });
    assert_eq!(refused(0, 1).to_string(), "threads must not be zero");
    assert_eq!(
        refused(usize::MAX, 1),
        ConfigError::TooLarge {
            name: "threads",
            value: usize::MAX,
            max: MAX_THREADS
        }
    );
    assert_eq!(
        refused(MAX_THREADS + 1, 1),
        ConfigError::TooLarge {
            name: "threads",
            value: MAX_THREADS + 1,
            max: MAX_THREADS
        }
    );
    // Issue 10, item 10: a huge queue made tokio's channel panic.
    assert_eq!(
        refused(1, usize::MAX),
        ConfigError::TooLarge {
            name: "queue",
            value: usize::MAX,
            max: MAX_CAPACITY
        }
    );
}

#[tokio::test(start_paused = true)]
async fn the_largest_queue_is_accepted() {
    let pool = BlockingPool::spawn(BlockingPoolConfig {
        threads: 1,
        queue: MAX_CAPACITY,
    })
    .expect("the maximum is accepted");
    assert_eq!(pool.run(|| 2).await.expect("it runs"), 2);
    pool.shutdown().await;
}
