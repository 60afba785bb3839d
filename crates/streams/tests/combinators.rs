//! Combinators on the paused clock: results match the comprehensions, `take` stops pulling from
//! its source, and `then` is sequential.

use std::future::ready;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::StreamExt;
use streams::{even_squares, numbers, sum_of_first, then_each};
use tokio::time::Instant;

const GAP: Duration = Duration::from_millis(100);

#[tokio::test(start_paused = true)]
async fn even_squares_is_the_filter_map_comprehension() {
    let start = Instant::now();
    let squares: Vec<u64> = even_squares(numbers(10, GAP).unwrap()).collect().await;
    let expected: Vec<u64> = (1..=10u64).filter(|x| x % 2 == 0).map(|x| x * x).collect();
    assert_eq!(squares, expected);
    assert_eq!(start.elapsed(), GAP * 10, "the whole source is read");
}

#[tokio::test(start_paused = true)]
async fn take_stops_pulling_from_the_source() {
    let pulled = Arc::new(AtomicU64::new(0));
    let counted = {
        let pulled = Arc::clone(&pulled);
        numbers(10, GAP).unwrap().map(move |n| {
            pulled.fetch_add(1, Ordering::SeqCst);
            u64::from(n)
        })
    };
    let start = Instant::now();
    assert_eq!(sum_of_first(counted, 3).await, 6);
    assert_eq!(pulled.load(Ordering::SeqCst), 3);
    assert_eq!(start.elapsed(), GAP * 3, "items 4..10 are never waited for");
}

#[tokio::test(start_paused = true)]
async fn a_count_of_zero_sums_nothing_and_never_polls() {
    let start = Instant::now();
    assert_eq!(
        sum_of_first(numbers(10, GAP).unwrap().map(u64::from), 0).await,
        0
    );
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn then_runs_one_step_at_a_time() {
    let start = Instant::now();
    let stamps: Vec<(u32, Duration)> = then_each(futures::stream::iter(1..=3), |n| async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        (n, start.elapsed())
    })
    .collect()
    .await;
    assert_eq!(
        stamps,
        [
            (1, Duration::from_millis(200)),
            (2, Duration::from_millis(400)),
            (3, Duration::from_millis(600)),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn an_adapter_does_nothing_until_consumed() {
    let stepped = Arc::new(AtomicU64::new(0));
    let adapter = {
        let stepped = Arc::clone(&stepped);
        then_each(futures::stream::iter(1..=3u64), move |n| {
            stepped.fetch_add(1, Ordering::SeqCst);
            ready(n)
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(stepped.load(Ordering::SeqCst), 0);
    assert_eq!(adapter.collect::<Vec<_>>().await, [1, 2, 3]);
    assert_eq!(stepped.load(Ordering::SeqCst), 3);
}

// The crate promises never a panic: before, `x * x` on a `u64` item of 2^32 or more and a `u64`
// sum past `u64::MAX` panicked ("attempt to multiply with overflow") in a debug build.
#[tokio::test(start_paused = true)]
async fn the_largest_squares_and_sums_do_not_overflow() {
    let largest_even = u32::MAX - 1;
    let squares: Vec<u64> = even_squares(futures::stream::iter([largest_even, u32::MAX]))
        .collect()
        .await;
    assert_eq!(squares, [u64::from(largest_even) * u64::from(largest_even)]);
    let total = sum_of_first(futures::stream::iter([u64::MAX, u64::MAX, 1]), 3).await;
    assert_eq!(total, 2 * u128::from(u64::MAX) + 1);
}
