//! Merging on the paused clock: arrival order, ending only when every source ends, keyed
//! sources added and removed while reading, and empty inputs.

use std::pin::Pin;
use std::time::Duration;

use futures::{Stream, StreamExt};
use streams::{Paced, merge_all, tagged};
use tokio::time::Instant;

type Source = Pin<Box<dyn Stream<Item = u32>>>;

fn paced(items: Vec<u32>, gap_ms: u64) -> Source {
    Box::pin(Paced::new(items, Duration::from_millis(gap_ms)).expect("the gap is in range"))
}

#[tokio::test(start_paused = true)]
async fn items_come_in_arrival_order_and_the_merge_ends_with_its_last_source() {
    let start = Instant::now();
    let mut stamps = Vec::new();
    let mut merged = merge_all([paced(vec![1, 2, 3], 100), paced(vec![10, 20], 250)]);
    while let Some(item) = merged.next().await {
        stamps.push((item, start.elapsed().as_millis()));
    }
    assert_eq!(stamps, [(1, 100), (2, 200), (10, 250), (3, 300), (20, 500)]);
}

#[tokio::test(start_paused = true)]
async fn select_and_merge_agree_with_merge_all() {
    let all: Vec<u32> = futures::stream::select(paced(vec![1, 2], 100), paced(vec![10], 150))
        .collect()
        .await;
    assert_eq!(all, [1, 10, 2]);
    let all: Vec<u32> =
        tokio_stream::StreamExt::merge(paced(vec![1, 2], 100), paced(vec![10], 150))
            .collect()
            .await;
    assert_eq!(all, [1, 10, 2]);
}

#[tokio::test(start_paused = true)]
async fn no_sources_is_an_empty_stream_that_ends_at_once() {
    let start = Instant::now();
    assert_eq!(merge_all(Vec::<Source>::new()).count().await, 0);
    assert_eq!(tagged(Vec::<(u8, Source)>::new()).count().await, 0);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn tagged_items_name_their_source_and_sources_can_come_and_go() {
    let mut map = tagged([("a", paced(vec![1, 2, 3], 100))]);
    assert_eq!(map.next().await, Some(("a", 1)));
    map.insert("b", paced(vec![7], 50));
    assert_eq!(map.next().await, Some(("b", 7)));
    assert_eq!(map.next().await, Some(("a", 2)));
    assert!(map.remove("a").is_some());
    assert_eq!(map.next().await, None, "every source has gone");
}

#[tokio::test(start_paused = true)]
async fn a_merge_pulls_nothing_ahead_of_its_consumer() {
    let start = Instant::now();
    let mut merged = merge_all([paced(vec![1, 2], 100), paced(vec![10, 20], 100)]);
    assert!(merged.next().await.is_some());
    tokio::time::sleep(Duration::from_secs(1)).await;
    // Both sources waited for the consumer: no item was produced and queued meanwhile.
    let rest: Vec<u32> = merged.collect().await;
    assert_eq!(rest.len(), 3);
    assert_eq!(start.elapsed(), Duration::from_millis(1_200));
}
