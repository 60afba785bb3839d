//! Async generators on the paused clock: both renditions yield the same numbers at the same
//! virtual times, stop when dropped, and treat a count of 0 as an empty stream.

use std::pin::pin;
use std::time::Duration;

use basics::ConfigError;
use basics::config::MAX_DURATION;
use futures::{Stream, StreamExt};
use streams::{numbers, numbers_unfold};
use tokio::time::Instant;

const GAP: Duration = Duration::from_millis(100);

/// Each item with the virtual time, since the call, at which it arrived.
async fn stamped(stream: impl Stream<Item = u32>) -> Vec<(u32, Duration)> {
    let start = Instant::now();
    let mut stream = pin!(stream);
    let mut stamps = Vec::new();
    while let Some(n) = stream.next().await {
        stamps.push((n, start.elapsed()));
    }
    stamps
}

#[tokio::test(start_paused = true)]
async fn stream_macro_yields_one_to_four_a_tenth_of_a_second_apart() {
    let expected: Vec<_> = (1..=4).map(|n| (n, GAP * n)).collect();
    assert_eq!(stamped(numbers(4, GAP).unwrap()).await, expected);
}

#[tokio::test(start_paused = true)]
async fn unfold_yields_the_same_items_at_the_same_times() {
    let expected: Vec<_> = (1..=4).map(|n| (n, GAP * n)).collect();
    assert_eq!(stamped(numbers_unfold(4, GAP).unwrap()).await, expected);
}

#[tokio::test(start_paused = true)]
async fn a_count_of_zero_is_an_empty_stream_that_ends_at_once() {
    let start = Instant::now();
    assert_eq!(numbers(0, GAP).unwrap().count().await, 0);
    assert_eq!(numbers_unfold(0, GAP).unwrap().count().await, 0);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_generator_is_lazy_and_stops_when_dropped() {
    let start = Instant::now();
    let mut stream = pin!(numbers(4, GAP).unwrap());
    // Nothing ran before the first poll: the first item still takes one full gap.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(stream.next().await, Some(1));
    assert_eq!(start.elapsed(), Duration::from_secs(1) + GAP);
    let taken: Vec<u32> = numbers(4, GAP).unwrap().take(2).collect().await;
    assert_eq!(taken, [1, 2]);
}

#[test]
fn polling_by_hand_shows_pending_until_the_gap_has_passed() {
    testing::paused_runtime().block_on(async {
        let mut next = tokio_test::task::spawn(numbers_unfold(1, GAP).unwrap());
        tokio_test::assert_pending!(next.poll_next());
        tokio::time::advance(GAP).await;
        assert_eq!(tokio_test::assert_ready!(next.poll_next()), Some(1));
        assert_eq!(tokio_test::assert_ready!(next.poll_next()), None);
    });
}

#[tokio::test(start_paused = true)]
async fn a_gap_of_zero_yields_at_once_and_duration_max_is_too_long() {
    let start = Instant::now();
    assert_eq!(numbers(3, Duration::ZERO).unwrap().count().await, 3);
    assert_eq!(numbers_unfold(3, Duration::ZERO).unwrap().count().await, 3);
    assert_eq!(start.elapsed(), Duration::ZERO);
    let too_long = Some(ConfigError::TooLong {
        name: "gap",
        value: Duration::MAX,
        max: MAX_DURATION,
    });
    assert_eq!(numbers(3, Duration::MAX).err(), too_long);
    assert_eq!(numbers_unfold(3, Duration::MAX).err(), too_long);
}

#[tokio::test(start_paused = true)]
async fn the_largest_count_is_a_stream_like_any_other() {
    // Its last number is 4 billion items away; the state is the range still to yield, so no
    // `next + 1` overflows after it (the counter the module once kept did, in a debug build).
    let first: Vec<u32> = numbers_unfold(u32::MAX, Duration::ZERO)
        .unwrap()
        .take(2)
        .collect()
        .await;
    assert_eq!(first, [1, 2]);
}
