//! Batches: fixed groups run one after another, the sliding window keeps every slot busy, and
//! both keep input order.

use std::time::Duration;

use concurrency_control::{BatchSizeError, in_batches, sliding_window};
use tokio::time::{Instant, sleep};

async fn work(item: u32) -> u32 {
    let ms = if item % 10 == 1 { 500 } else { 100 };
    sleep(Duration::from_millis(ms)).await;
    item
}

#[tokio::test(start_paused = true)]
async fn twenty_five_items_in_batches_of_ten_take_three_batch_times() {
    let start = Instant::now();
    let out = in_batches(1..=25, 10, |n| async move {
        sleep(Duration::from_millis(100)).await;
        n
    })
    .await
    .expect("valid size");
    assert_eq!(out, (1..=25).collect::<Vec<_>>());
    assert_eq!(start.elapsed(), Duration::from_millis(300));
}

#[tokio::test(start_paused = true)]
async fn a_slow_item_holds_its_batch_but_not_the_sliding_window() {
    let start = Instant::now();
    let fixed = in_batches(1..=25, 10, work).await.expect("valid size");
    assert_eq!(start.elapsed(), Duration::from_millis(1_500));
    let start = Instant::now();
    let sliding = sliding_window(1..=25, 10, work).await.expect("valid size");
    assert_eq!(start.elapsed(), Duration::from_millis(700));
    assert_eq!(fixed, sliding, "same outputs, same order");
}

#[tokio::test(start_paused = true)]
async fn no_items_give_no_outputs() {
    let none = in_batches(Vec::<u32>::new(), 3, work)
        .await
        .expect("valid size");
    assert!(none.is_empty());
}

#[tokio::test]
async fn a_batch_size_of_zero_is_an_error() {
    assert_eq!(in_batches(1..=3, 0, work).await, Err(BatchSizeError));
    assert_eq!(sliding_window(1..=3, 0, work).await, Err(BatchSizeError));
}
