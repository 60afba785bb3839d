//! Chunking on the paused clock: size and time limits, the last partial chunk, bad input; and
//! proptest properties (no chunk exceeds its size or is empty, nothing is lost or reordered, no
//! item waits longer than the period).

use std::time::Duration;

use basics::ConfigError;
use basics::config::{MAX_CAPACITY, MAX_DURATION};
use futures::{Stream, StreamExt};
use proptest::prelude::*;
use streams::{chunks, chunks_timeout};
use testing::ms;
use tokio::time::{Instant, sleep};

/// Yields 0, 1, 2, ..., item `i` arriving `gaps[i]` ms after the one before.
fn arrivals(gaps: Vec<u64>) -> impl Stream<Item = usize> {
    futures::stream::iter(gaps.into_iter().enumerate()).then(|(index, gap)| async move {
        sleep(ms(gap)).await;
        index
    })
}

#[tokio::test(start_paused = true)]
async fn a_fast_source_is_cut_by_size() {
    let start = Instant::now();
    let groups: Vec<Vec<usize>> = chunks_timeout(arrivals(vec![1; 25]), 10, ms(100))
        .unwrap()
        .collect()
        .await;
    let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
    assert_eq!(sizes, [10, 10, 5]);
    assert_eq!(
        start.elapsed(),
        ms(25),
        "the last chunk comes when the source ends"
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_source_is_cut_by_time() {
    let mut groups = Box::pin(chunks_timeout(arrivals(vec![10, 10, 200]), 10, ms(100)).unwrap());
    let start = Instant::now();
    assert_eq!(groups.next().await, Some(vec![0, 1]));
    assert_eq!(
        start.elapsed(),
        ms(110),
        "100 ms after the first item, at +10 ms"
    );
    assert_eq!(groups.next().await, Some(vec![2]));
    assert_eq!(groups.next().await, None);
}

#[tokio::test(start_paused = true)]
async fn size_only_chunks_hold_a_partial_group_until_the_source_ends() {
    let start = Instant::now();
    let mut groups = Box::pin(chunks(arrivals(vec![10, 10, 1_000]), 2).unwrap());
    assert_eq!(groups.next().await, Some(vec![0, 1]));
    assert_eq!(groups.next().await, Some(vec![2]));
    assert_eq!(start.elapsed(), ms(1_020));
}

#[tokio::test(start_paused = true)]
async fn an_idle_source_produces_no_empty_chunks() {
    let groups: Vec<Vec<usize>> = chunks_timeout(arrivals(vec![1_000]), 3, ms(100))
        .unwrap()
        .collect()
        .await;
    assert_eq!(groups, [vec![0]]);
}

#[test]
fn a_size_or_period_of_zero_is_a_config_error() {
    let source = || futures::stream::iter([1]);
    assert_eq!(
        chunks(source(), 0).err(),
        Some(ConfigError::Zero { name: "size" })
    );
    assert_eq!(
        chunks_timeout(source(), 0, ms(100)).err(),
        Some(ConfigError::Zero { name: "size" })
    );
    assert_eq!(
        chunks_timeout(source(), 10, Duration::ZERO).err(),
        Some(ConfigError::Zero { name: "period" })
    );
    assert_eq!(
        ConfigError::Zero { name: "size" }.to_string(),
        "size must not be zero"
    );
}

// Issue 10, item 10: `futures`' `chunks` and `tokio-stream`'s `chunks_timeout` reserve `size`
// slots when they are built, and a size of `usize::MAX` panicked with "capacity overflow".
#[test]
fn a_huge_size_is_too_large_not_a_panic() {
    let source = || futures::stream::iter([1]);
    let too_large = Some(ConfigError::TooLarge {
        name: "size",
        value: usize::MAX,
        max: MAX_CAPACITY,
    });
    assert_eq!(chunks(source(), usize::MAX).err(), too_large);
    assert_eq!(
        chunks_timeout(source(), usize::MAX, ms(100)).err(),
        too_large
    );
    assert!(chunks(source(), MAX_CAPACITY).is_ok());
}

#[test]
fn a_period_of_duration_max_is_too_long() {
    let outcome = chunks_timeout(futures::stream::iter([1]), 10, Duration::MAX);
    assert_eq!(
        outcome.err(),
        Some(ConfigError::TooLong {
            name: "period",
            value: Duration::MAX,
            max: MAX_DURATION,
        })
    );
}

// Issue 10, item 11: `tokio-stream`'s `chunks_timeout` reserved `size` slots for every chunk, so
// a chunk of 3 items cut by the timer held room for a million.
#[tokio::test(start_paused = true)]
async fn a_short_chunk_holds_room_for_its_items_not_for_the_size() {
    let mut groups =
        Box::pin(chunks_timeout(arrivals(vec![1, 1, 1]), MAX_CAPACITY, ms(100)).unwrap());
    let first = groups.next().await.expect("three items arrive");
    assert_eq!(first, [0, 1, 2]);
    assert!(
        first.capacity() < 100,
        "room for {} items reserved up front",
        first.capacity()
    );
}

#[tokio::test(start_paused = true)]
async fn the_longest_period_still_cuts_a_chunk() {
    let start = Instant::now();
    let mut groups = Box::pin(
        chunks_timeout(
            arrivals(vec![0]).chain(futures::stream::pending()),
            2,
            MAX_DURATION,
        )
        .unwrap(),
    );
    assert_eq!(groups.next().await, Some(vec![0]));
    assert_eq!(start.elapsed(), MAX_DURATION);
}

proptest! {
    #[test]
    fn no_chunk_exceeds_its_size_and_nothing_is_lost_or_late(
        gaps in proptest::collection::vec(0u64..60, 0..80),
        size in 1usize..12,
        period_ms in 1u64..150,
    ) {
        let count = gaps.len();
        let arrived_at: Vec<u64> = gaps
            .iter()
            .scan(0, |total, gap| { *total += gap; Some(*total) })
            .collect();
        let emitted: Vec<(Vec<usize>, u64)> = testing::paused_runtime().block_on(async {
            let start = Instant::now();
            chunks_timeout(arrivals(gaps), size, ms(period_ms))
                .unwrap()
                .map(|chunk| (chunk, start.elapsed().as_millis() as u64))
                .collect()
                .await
        });
        let last = emitted.len().saturating_sub(1);
        for (index, (chunk, at)) in emitted.iter().enumerate() {
            prop_assert!(!chunk.is_empty());
            prop_assert!(chunk.len() <= size);
            let due = arrived_at[chunk[0]] + period_ms;
            // A chunk leaves at most one period after its first item arrived.
            prop_assert!(*at <= due);
            // Groups of `size` or every period: a short chunk other than the last was cut by
            // the timer, exactly one period after its first item, never earlier.
            if index != last && chunk.len() < size {
                prop_assert_eq!(*at, due, "short chunk {:?} cut early", chunk);
            }
        }
        let all: Vec<usize> = emitted.into_iter().flat_map(|(chunk, _)| chunk).collect();
        prop_assert_eq!(all, (0..count).collect::<Vec<_>>());
    }

    #[test]
    fn size_only_chunks_are_full_except_the_last(
        count in 0usize..100,
        size in 1usize..12,
    ) {
        let groups: Vec<Vec<usize>> = testing::paused_runtime().block_on(
            chunks(futures::stream::iter(0..count), size).unwrap().collect(),
        );
        let (last, full) = groups.split_last().map_or((None, &[][..]), |(l, f)| (Some(l), f));
        prop_assert!(full.iter().all(|chunk| chunk.len() == size));
        prop_assert!(last.is_none_or(|chunk| !chunk.is_empty() && chunk.len() <= size));
        let all: Vec<usize> = groups.into_iter().flatten().collect();
        prop_assert_eq!(all, (0..count).collect::<Vec<_>>());
    }
}
