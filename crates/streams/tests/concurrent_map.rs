//! Concurrent map on the paused clock: order, limits, the stall and its cure, cancellation, bad
//! input; and proptest properties over random delays and limits.

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::config::MAX_CAPACITY;
use basics::{ConfigError, TaskFailed};
use futures::StreamExt;
use proptest::prelude::*;
use streams::{map_ordered, map_spawned, map_unordered};
use testing::{QuietPanics, ms};
use tokio::time::{Instant, sleep, timeout};

async fn delayed(delay: u64) -> u64 {
    sleep(ms(delay)).await;
    delay
}

#[tokio::test(start_paused = true)]
async fn eight_fetches_with_limit_four_take_two_waves() {
    let start = Instant::now();
    let out: Vec<u64> = map_ordered(futures::stream::iter([200; 8]), 4, delayed)
        .expect("limit is positive")
        .collect()
        .await;
    assert_eq!(out.len(), 8);
    assert_eq!(start.elapsed(), ms(400));
}

#[tokio::test(start_paused = true)]
async fn ordered_waits_for_the_head_unordered_does_not() {
    let delays = [300, 100, 200];
    let start = Instant::now();
    let mut ordered = pin!(map_ordered(futures::stream::iter(delays), 3, delayed).unwrap());
    assert_eq!(ordered.next().await, Some(300));
    assert_eq!(
        start.elapsed(),
        ms(300),
        "100 and 200 were held behind the head"
    );
    let start = Instant::now();
    let mut unordered = pin!(map_unordered(futures::stream::iter(delays), 3, delayed).unwrap());
    assert_eq!(unordered.next().await, Some(100));
    assert_eq!(start.elapsed(), ms(100));
}

#[tokio::test(start_paused = true)]
async fn a_limit_of_zero_is_a_config_error() {
    let source = || futures::stream::iter([1u64]);
    let zero = Some(ConfigError::Zero { name: "limit" });
    assert_eq!(map_ordered(source(), 0, delayed).err(), zero);
    assert_eq!(map_unordered(source(), 0, delayed).err(), zero);
    assert_eq!(map_spawned(source(), 0, delayed).err(), zero);
    assert_eq!(
        ConfigError::Zero { name: "limit" }.to_string(),
        "limit must not be zero"
    );
}

// Before, `usize::MAX` was accepted; the same bound as every other limit of the workspace now.
#[tokio::test(start_paused = true)]
async fn a_huge_limit_is_too_large() {
    let source = || futures::stream::iter([1u64]);
    let too_large = Some(ConfigError::TooLarge {
        name: "limit",
        value: usize::MAX,
        max: MAX_CAPACITY,
    });
    assert_eq!(map_ordered(source(), usize::MAX, delayed).err(), too_large);
    assert_eq!(
        map_unordered(source(), usize::MAX, delayed).err(),
        too_large
    );
    assert_eq!(map_spawned(source(), usize::MAX, delayed).err(), too_large);
    let out: Vec<u64> = map_ordered(source(), MAX_CAPACITY, delayed)
        .unwrap()
        .collect()
        .await;
    assert_eq!(out, [1]);
}

/// Connect (100 ms), then `chunks` reads of 50 ms, under a 350 ms timeout: true if it finished.
async fn download(chunks: u32) -> bool {
    let steps = async {
        sleep(ms(100)).await;
        for _ in 0..chunks {
            sleep(ms(50)).await;
        }
    };
    timeout(ms(350), steps).await.is_ok()
}

#[tokio::test(start_paused = true)]
async fn work_in_the_consumer_loop_starves_buffered_futures_into_timeouts() {
    let sizes = futures::stream::iter([1, 4]);
    let mut results = pin!(map_ordered(sizes, 2, download).unwrap());
    let mut outcomes = Vec::new();
    while let Some(finished) = results.next().await {
        outcomes.push(finished);
        sleep(ms(300)).await;
    }
    // The second download needs 300 ms of its 350 ms budget, yet times out: it was not polled
    // while the loop body slept.
    assert_eq!(outcomes, [true, false]);
}

#[tokio::test(start_paused = true)]
async fn spawned_steps_keep_running_while_the_consumer_is_busy() {
    let sizes = futures::stream::iter([1, 4]);
    let mut results = pin!(map_spawned(sizes, 2, download).unwrap());
    let mut outcomes = Vec::new();
    while let Some(finished) = results.next().await {
        outcomes.push(finished.expect("no download panics"));
        sleep(ms(300)).await;
    }
    assert_eq!(outcomes, [true, true]);
}

#[tokio::test(start_paused = true)]
async fn dropping_the_spawned_stream_aborts_its_tasks() {
    let finished = Arc::new(AtomicUsize::new(0));
    let counted = {
        let finished = Arc::clone(&finished);
        move |delay: u64| {
            let finished = Arc::clone(&finished);
            async move {
                sleep(ms(delay)).await;
                finished.fetch_add(1, Ordering::SeqCst);
            }
        }
    };
    // Boxed, not `pin!`ed: `drop` must drop the stream itself, not a pinned reference to it.
    let mut results =
        Box::pin(map_spawned(futures::stream::iter([100, 1_000, 1_000]), 3, counted).unwrap());
    assert!(results.next().await.is_some());
    drop(results);
    sleep(ms(5_000)).await;
    assert_eq!(
        finished.load(Ordering::SeqCst),
        1,
        "the two slow tasks were aborted"
    );
}

#[tokio::test(start_paused = true)]
async fn a_panicking_spawned_step_is_a_task_failed_item_and_the_rest_continue() {
    let _quiet = QuietPanics::new();
    let results: Vec<_> = map_spawned(futures::stream::iter(1..=3u32), 2, |n| async move {
        assert_ne!(n, 2, "step 2 fails");
        n
    })
    .unwrap()
    .collect()
    .await;
    assert_eq!(results.len(), 3);
    let Err(TaskFailed::Panicked { index, payload }) = &results[1] else {
        panic!("the second step panics: {:?}", results[1]);
    };
    assert_eq!(*index, 1, "the item's position in the source");
    assert!(
        payload
            .message()
            .is_some_and(|text| text.contains("step 2 fails"))
    );
    assert_eq!(results[2].as_ref().ok(), Some(&3));
}

/// A step that records how many steps run at once.
fn tracked(
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
) -> impl FnMut((usize, u64)) -> std::pin::Pin<Box<dyn Future<Output = usize> + Send>> {
    move |(index, delay)| {
        let (running, peak) = (Arc::clone(&running), Arc::clone(&peak));
        Box::pin(async move {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            sleep(ms(delay)).await;
            running.fetch_sub(1, Ordering::SeqCst);
            index
        })
    }
}

/// The peak a correct limit must reach: when the first `limit` steps all sleep (a delay of 0 may
/// finish on its first poll), they are all in flight together at the start. Asserting it proves
/// the counter really measures concurrency, so `peak <= limit` is not vacuous.
fn expected_peak(delays: &[u64], limit: usize) -> Option<usize> {
    let first = &delays[..limit.min(delays.len())];
    first.iter().all(|delay| *delay > 0).then_some(first.len())
}

proptest! {
    #[test]
    fn ordered_keeps_input_order_and_never_exceeds_the_limit(
        delays in proptest::collection::vec(0u64..50, 0..40),
        limit in 1usize..8,
    ) {
        let (running, peak) = (Arc::default(), Arc::new(AtomicUsize::new(0)));
        let items: Vec<(usize, u64)> = delays.iter().copied().enumerate().collect();
        let out: Vec<usize> = testing::paused_runtime().block_on(
            map_ordered(futures::stream::iter(items), limit, tracked(running, Arc::clone(&peak)))
                .unwrap()
                .collect(),
        );
        prop_assert_eq!(out, (0..delays.len()).collect::<Vec<_>>());
        prop_assert!(peak.load(Ordering::SeqCst) <= limit);
        if let Some(expected) = expected_peak(&delays, limit) {
            prop_assert_eq!(peak.load(Ordering::SeqCst), expected, "the limit is used, not just respected");
        }
    }

    #[test]
    fn unordered_yields_every_item_exactly_once_and_never_exceeds_the_limit(
        delays in proptest::collection::vec(0u64..50, 0..40),
        limit in 1usize..8,
    ) {
        let (running, peak) = (Arc::default(), Arc::new(AtomicUsize::new(0)));
        let items: Vec<(usize, u64)> = delays.iter().copied().enumerate().collect();
        let mut out: Vec<usize> = testing::paused_runtime().block_on(
            map_unordered(futures::stream::iter(items), limit, tracked(running, Arc::clone(&peak)))
                .unwrap()
                .collect(),
        );
        out.sort_unstable();
        prop_assert_eq!(out, (0..delays.len()).collect::<Vec<_>>());
        prop_assert!(peak.load(Ordering::SeqCst) <= limit);
        if let Some(expected) = expected_peak(&delays, limit) {
            prop_assert_eq!(peak.load(Ordering::SeqCst), expected, "the limit is used, not just respected");
        }
    }

    #[test]
    fn spawned_keeps_order_and_never_exceeds_the_limit(
        delays in proptest::collection::vec(0u64..50, 0..40),
        limit in 1usize..8,
    ) {
        let (running, peak) = (Arc::default(), Arc::new(AtomicUsize::new(0)));
        let items: Vec<(usize, u64)> = delays.iter().copied().enumerate().collect();
        let out: Vec<usize> = testing::paused_runtime().block_on(async {
            map_spawned(futures::stream::iter(items), limit, tracked(running, Arc::clone(&peak)))
                .unwrap()
                .map(|joined| joined.expect("no step panics"))
                .collect()
                .await
        });
        prop_assert_eq!(out, (0..delays.len()).collect::<Vec<_>>());
        prop_assert!(peak.load(Ordering::SeqCst) <= limit);
        if let Some(expected) = expected_peak(&delays, limit) {
            prop_assert_eq!(peak.load(Ordering::SeqCst), expected, "the limit is used, not just respected");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn why_zero_is_rejected_raw_buffered_zero_never_finishes() {
    let raw = futures::stream::iter([1u64, 2]).map(delayed).buffered(0);
    let outcome = timeout(Duration::from_secs(3_600), raw.collect::<Vec<_>>()).await;
    assert!(outcome.is_err(), "an hour later, nothing has run");
}
