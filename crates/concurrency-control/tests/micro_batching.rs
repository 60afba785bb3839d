//! Micro-batching (★ defect 6): flush by size or by time, each caller gets its own answer, a
//! duplicate key does not deadlock, and batch calls do not run serialised under a lock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use basics::ConfigError;
use basics::TaskFailed;
use basics::config::{MAX_CAPACITY, MAX_DURATION};
use concurrency_control::{BatchError, MicroBatcher, MicroBatcherConfig};
use tokio::time::{Instant, sleep};

type Calls = Arc<Mutex<Vec<(Vec<u32>, Duration)>>>;

fn config(max_size: usize, max_delay_ms: u64) -> MicroBatcherConfig {
    MicroBatcherConfig {
        max_size,
        max_delay: Duration::from_millis(max_delay_ms),
        queue: 64,
        max_batches: 8,
    }
}

/// A batch API that records each call and answers `key * 10` after `latency`.
fn batcher(
    config: MicroBatcherConfig,
    latency: Duration,
) -> (MicroBatcher<u32, u32, String>, Calls) {
    let calls: Calls = Arc::default();
    let record = Arc::clone(&calls);
    let start = Instant::now();
    let batcher = MicroBatcher::spawn(config, move |keys: Vec<u32>| {
        record
            .lock()
            .expect("not poisoned")
            .push((keys.clone(), start.elapsed()));
        async move {
            sleep(latency).await;
            Ok(keys
                .into_iter()
                .map(|k| (k, k * 10))
                .collect::<HashMap<_, _>>())
        }
    })
    .expect("valid config");
    (batcher, calls)
}

#[tokio::test(start_paused = true)]
async fn a_full_batch_flushes_at_once_and_each_caller_gets_its_own_answer() {
    let (batcher, calls) = batcher(config(3, 1_000), Duration::from_millis(100));
    let start = Instant::now();
    let (a, b, c) = tokio::join!(batcher.call(1), batcher.call(2), batcher.call(3));
    assert_eq!((a, b, c), (Ok(10), Ok(20), Ok(30)));
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(100),
        "no wait for max_delay"
    );
    assert_eq!(
        *calls.lock().expect("not poisoned"),
        [(vec![1, 2, 3], Duration::ZERO)]
    );
}

#[tokio::test(start_paused = true)]
async fn a_partial_batch_flushes_after_max_delay() {
    let (batcher, calls) = batcher(config(10, 50), Duration::from_millis(100));
    let start = Instant::now();
    let (a, b) = tokio::join!(batcher.call(1), async {
        sleep(Duration::from_millis(20)).await;
        batcher.call(2).await
    });
    assert_eq!((a, b), (Ok(10), Ok(20)));
    assert_eq!(start.elapsed(), Duration::from_millis(150));
    assert_eq!(
        *calls.lock().expect("not poisoned"),
        [(vec![1, 2], Duration::from_millis(50))]
    );
}

#[tokio::test(start_paused = true)]
async fn a_duplicate_key_is_asked_once_and_both_callers_are_answered() {
    let (batcher, calls) = batcher(config(3, 50), Duration::from_millis(10));
    let answers = tokio::time::timeout(Duration::from_secs(5), async {
        tokio::join!(batcher.call(4), batcher.call(4), batcher.call(5))
    })
    .await
    .expect("no deadlock");
    assert_eq!(answers, (Ok(40), Ok(40), Ok(50)));
    assert_eq!(calls.lock().expect("not poisoned")[0].0, [4, 5]);
}

#[tokio::test(start_paused = true)]
async fn batch_calls_overlap_instead_of_running_under_a_lock() {
    // Two full batches, each call taking 1 s: both answered at +1 s, not +2 s.
    let (batcher, calls) = batcher(config(2, 1_000), Duration::from_secs(1));
    let start = Instant::now();
    let answers = futures::future::join_all((1..=4).map(|k| batcher.call(k))).await;
    assert_eq!(answers, [Ok(10), Ok(20), Ok(30), Ok(40)]);
    assert_eq!(start.elapsed(), Duration::from_secs(1));
    assert_eq!(calls.lock().expect("not poisoned").len(), 2);
}

#[tokio::test(start_paused = true)]
async fn batch_calls_in_flight_never_exceed_max_batches() {
    // Six full batches of 1 s with at most 2 calls at once: three rounds, not six calls at once.
    let config = MicroBatcherConfig {
        max_batches: 2,
        ..config(1, 1_000)
    };
    let (batcher, calls) = batcher(config, Duration::from_secs(1));
    let start = Instant::now();
    let answers = futures::future::join_all((1..=6).map(|k| batcher.call(k))).await;
    assert_eq!(answers, [10, 20, 30, 40, 50, 60].map(Ok));
    assert_eq!(start.elapsed(), Duration::from_secs(3));
    let started: Vec<Duration> = calls
        .lock()
        .expect("not poisoned")
        .iter()
        .map(|(_, at)| *at)
        .collect();
    let secs = Duration::from_secs;
    assert_eq!(
        started,
        [secs(0), secs(0), secs(1), secs(1), secs(2), secs(2)]
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_batch_reaches_every_caller_and_a_missing_key_is_reported() {
    let failing = MicroBatcher::<u32, u32, String>::spawn(config(2, 10), |_keys| async {
        Err("bulk api down".to_owned())
    })
    .expect("valid config");
    let (a, b) = tokio::join!(failing.call(1), failing.call(2));
    let down = Err(BatchError::Failed("bulk api down".to_owned()));
    assert_eq!((a, b), (down.clone(), down));

    let partial = MicroBatcher::<u32, u32, String>::spawn(config(2, 10), |keys| async move {
        Ok(keys
            .into_iter()
            .filter(|k| k % 2 == 0)
            .map(|k| (k, k))
            .collect())
    })
    .expect("valid config");
    let (a, b) = tokio::join!(partial.call(1), partial.call(2));
    assert_eq!((a, b), (Err(BatchError::Missing), Ok(2)));
}

#[tokio::test(start_paused = true)]
async fn shutdown_flushes_a_partial_batch_at_once() {
    let (batcher, calls) = batcher(config(10, 60_000), Duration::from_millis(10));
    // The caller gives up after 5 ms, but its request is already queued.
    let gave_up = tokio::time::timeout(Duration::from_millis(5), batcher.call(1)).await;
    assert!(gave_up.is_err());
    let start = Instant::now();
    batcher.shutdown().await;
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(10),
        "flushed now, not after 60 s"
    );
    assert_eq!(
        *calls.lock().expect("not poisoned"),
        [(vec![1], Duration::from_millis(5))]
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_every_clone_aborts_the_flusher_and_its_running_batches() {
    let alive = Arc::new(());
    let token = Arc::clone(&alive);
    let batcher = MicroBatcher::<u32, u32, String>::spawn(config(1, 10), move |keys| {
        let token = Arc::clone(&token);
        async move {
            let _held = token;
            sleep(Duration::from_secs(10)).await;
            Ok(keys.into_iter().map(|k| (k, k)).collect())
        }
    })
    .expect("valid config");
    let gave_up = tokio::time::timeout(Duration::from_millis(5), batcher.call(1)).await;
    assert!(gave_up.is_err());
    assert_eq!(Arc::strong_count(&alive), 3, "the batch is running");
    let clone = batcher.clone();
    drop(batcher);
    tokio::task::yield_now().await;
    assert_eq!(Arc::strong_count(&alive), 3, "a clone keeps the flusher");
    drop(clone);
    tokio::task::yield_now().await;
    assert_eq!(Arc::strong_count(&alive), 1, "flusher and batch are gone");
}

#[tokio::test(start_paused = true)]
async fn a_clone_called_from_another_task_works_after_the_original_is_dropped() {
    let (batcher, calls) = batcher(config(10, 50), Duration::from_millis(100));
    let clone = batcher.clone();
    drop(batcher);
    let start = Instant::now();
    let answer = tokio::spawn(async move { clone.call(7).await })
        .await
        .expect("the caller does not panic");
    assert_eq!(answer, Ok(70));
    assert_eq!(start.elapsed(), Duration::from_millis(150));
    assert_eq!(
        *calls.lock().expect("not poisoned"),
        [(vec![7], Duration::from_millis(50))]
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_closes_every_clone_and_waits_for_the_queued_calls() {
    let (batcher, calls) = batcher(config(10, 60_000), Duration::from_millis(10));
    let clone = batcher.clone();
    let queued = tokio::spawn({
        let clone = clone.clone();
        async move { clone.call(1).await }
    });
    sleep(Duration::from_millis(5)).await; // the call is queued, its batch open for 60 s
    let start = Instant::now();
    // Two clones shut down at once: each waits for the flush.
    tokio::join!(batcher.shutdown(), clone.clone().shutdown());
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(10),
        "flushed now, not after 60 s"
    );
    assert_eq!(queued.await.expect("the caller does not panic"), Ok(10));
    assert_eq!(
        clone.call(2).await,
        Err(BatchError::Closed),
        "closed for the clone too"
    );
    assert_eq!(
        *calls.lock().expect("not poisoned"),
        [(vec![1], Duration::from_millis(5))]
    );
}

/// A batch call that answers every key with itself.
async fn echo(keys: Vec<u32>) -> Result<HashMap<u32, u32>, ()> {
    Ok(keys.into_iter().map(|k| (k, k)).collect())
}

#[tokio::test(start_paused = true)]
async fn zero_or_huge_limits_are_config_errors() {
    let with = |change: fn(&mut MicroBatcherConfig)| {
        let mut config = config(1, 10);
        change(&mut config);
        MicroBatcher::spawn(config, echo).err()
    };
    assert_eq!(
        with(|c| c.max_size = 0),
        Some(ConfigError::Zero { name: "max_size" })
    );
    assert_eq!(
        with(|c| c.queue = 0),
        Some(ConfigError::Zero { name: "queue" })
    );
    assert_eq!(
        with(|c| c.max_batches = 0),
        Some(ConfigError::Zero {
            name: "max_batches"
        })
    );
    for (name, error) in [
        ("max_size", with(|c| c.max_size = usize::MAX)),
        ("queue", with(|c| c.queue = usize::MAX)),
        ("max_batches", with(|c| c.max_batches = usize::MAX)),
    ] {
        assert_eq!(
            error,
            Some(ConfigError::TooLarge {
                name,
                value: usize::MAX,
                max: MAX_CAPACITY
            })
        );
    }
    assert_eq!(
        with(|c| c.max_delay = Duration::MAX),
        Some(ConfigError::TooLong {
            name: "max_delay",
            value: Duration::MAX,
            max: MAX_DURATION
        })
    );
    assert!(MicroBatcher::spawn(MicroBatcherConfig::default(), echo).is_ok());
}

#[tokio::test(start_paused = true)]
async fn a_max_delay_of_zero_batches_what_is_already_queued_without_waiting() {
    let (batcher, calls) = batcher(config(10, 0), Duration::from_millis(10));
    let start = Instant::now();
    let (a, b) = tokio::join!(batcher.call(1), batcher.call(2));
    assert_eq!((a, b), (Ok(10), Ok(20)));
    assert_eq!(start.elapsed(), Duration::from_millis(10));
    assert_eq!(
        *calls.lock().expect("not poisoned"),
        [(vec![1, 2], Duration::ZERO)]
    );
}

#[tokio::test(start_paused = true)]
async fn a_max_delay_of_duration_max_is_refused() {
    // Issue 10, item 9: the flusher panicked on `Instant + Duration::MAX` at the first request,
    // and every caller then saw `Closed`.
    let forever = MicroBatcherConfig {
        max_delay: Duration::MAX,
        ..config(1, 10)
    };
    assert!(matches!(
        MicroBatcher::spawn(forever, echo),
        Err(ConfigError::TooLong {
            name: "max_delay",
            ..
        })
    ));
    // The longest delay accepted works.
    let (batcher, _calls) = batcher(
        MicroBatcherConfig {
            max_delay: MAX_DURATION,
            ..config(1, 10)
        },
        Duration::from_millis(1),
    );
    assert_eq!(batcher.call(3).await, Ok(30));
}

#[tokio::test(start_paused = true)]
async fn a_huge_queue_is_refused_not_a_panic() {
    // Issue 10, item 10: tokio's channel panicked on a capacity past its semaphore's maximum.
    let huge = MicroBatcherConfig {
        queue: usize::MAX,
        ..config(1, 10)
    };
    assert!(matches!(
        MicroBatcher::spawn(huge, echo),
        Err(ConfigError::TooLarge { name: "queue", .. })
    ));
}

#[tokio::test(start_paused = true)]
async fn a_panicking_batch_call_is_a_task_failure_for_each_caller_and_the_batcher_lives_on() {
    let _quiet = testing::QuietPanics::new();
    let batcher = MicroBatcher::<u32, u32, String>::spawn(config(2, 10), |keys| async move {
        if keys.contains(&13) {
            panic!("unlucky key");
        }
        Ok(keys.into_iter().map(|k| (k, k)).collect())
    })
    .expect("valid config");
    let (a, b) = tokio::join!(batcher.call(13), batcher.call(1));
    for answer in [a, b] {
        let Err(BatchError::TaskFailed(failed)) = answer else {
            panic!("expected the batch's panic, got {answer:?}");
        };
        let TaskFailed::Panicked { index: 0, payload } = &*failed else {
            panic!("expected batch 0's panic, got {failed:?}");
        };
        assert_eq!(payload.message(), Some("unlucky key"));
    }
    // The flusher survived: the next batch (number 1) is answered.
    assert_eq!(batcher.call(2).await, Ok(2));
    batcher.shutdown().await;
}
