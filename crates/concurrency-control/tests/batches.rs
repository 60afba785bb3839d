//! Batches: fixed groups run one after another, the sliding window keeps every slot busy, and
//! both keep input order.

use std::time::Duration;

use basics::ConfigError;
use concurrency_control::batches::one_slow_in_ten as work;
use concurrency_control::{in_batches, sliding_window};
use tokio::time::{Instant, sleep};

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
async fn a_batch_size_of_zero_or_past_the_maximum_is_a_config_error() {
    let zero = Err(ConfigError::Zero { name: "size" });
    assert_eq!(in_batches(1..=3, 0, work).await, zero);
    assert_eq!(sliding_window(1..=3, 0, work).await, zero);
    let huge = Err(ConfigError::TooLarge {
        name: "size",
        value: usize::MAX,
        max: basics::config::MAX_CAPACITY,
    });
    assert_eq!(in_batches(1..=3, usize::MAX, work).await, huge);
    assert_eq!(sliding_window(1..=3, usize::MAX, work).await, huge);
}
