//! The priority queue: highest first, arrival order among equals, bounded, closable, and no
//! lost wake-ups; a property checks that every item comes out once, in priority order.

use std::time::Duration;

use basics::ConfigError;
use concurrency_control::PriorityQueue;
use concurrency_control::priority::Closed;
use proptest::prelude::*;
use tokio::time::{Instant, sleep};
use tokio_test::{assert_pending, assert_ready, task};

#[tokio::test(start_paused = true)]
async fn urgent_jobs_jump_the_queue_and_equals_keep_arrival_order() {
    let queue = PriorityQueue::new(10).expect("valid");
    for (priority, job) in [(1, "a"), (5, "b"), (1, "c"), (5, "d"), (9, "e")] {
        queue.push(priority, job).await.expect("open");
    }
    assert!(queue.close(), "this call closed it");
    assert!(!queue.close(), "already closed");
    let mut order = Vec::new();
    while let Some(job) = queue.pop().await {
        order.push(job);
    }
    assert_eq!(order, ["e", "b", "d", "a", "c"]);
}

#[tokio::test(start_paused = true)]
async fn a_full_queue_makes_producers_wait_for_room() {
    let queue = PriorityQueue::new(1).expect("valid");
    queue.push(1, 1).await.expect("open");
    let start = Instant::now();
    let consumer = tokio::spawn({
        let queue = queue.clone();
        async move {
            sleep(Duration::from_millis(200)).await;
            queue.pop().await
        }
    });
    queue.push(1, 2).await.expect("open");
    assert_eq!(start.elapsed(), Duration::from_millis(200));
    assert_eq!(consumer.await.expect("no panic"), Some(1));
    assert_eq!(queue.len(), 1);
}

#[tokio::test]
async fn a_push_after_the_consumer_parked_wakes_it() {
    let queue = PriorityQueue::new(4).expect("valid");
    let mut consumer = task::spawn(queue.pop());
    assert_pending!(consumer.poll());
    queue.push(3, "job").await.expect("open");
    assert!(consumer.is_woken(), "the wake-up was lost");
    assert_eq!(assert_ready!(consumer.poll()), Some("job"));
}

#[tokio::test]
async fn close_wakes_idle_consumers_and_refuses_pushes() {
    let queue = PriorityQueue::<u8>::new(4).expect("valid");
    let mut consumer = task::spawn(queue.pop());
    assert_pending!(consumer.poll());
    queue.close();
    assert_eq!(assert_ready!(consumer.poll()), None);
    assert_eq!(queue.push(1, 1).await, Err(Closed));
    assert!(queue.is_empty());
}

#[test]
fn a_capacity_of_zero_or_past_the_maximum_is_a_config_error() {
    assert_eq!(
        PriorityQueue::<()>::new(0).err(),
        Some(ConfigError::Zero { name: "capacity" })
    );
    assert!(matches!(
        PriorityQueue::<()>::new(usize::MAX),
        Err(ConfigError::TooLarge {
            name: "capacity",
            ..
        })
    ));
}

proptest! {
    #[test]
    fn every_item_comes_out_once_highest_priority_first(
        items in proptest::collection::vec(0u32..5, 0..60),
        capacity in 1usize..8,
    ) {
        let popped = testing::paused_runtime().block_on(async {
            let queue = PriorityQueue::new(capacity).expect("valid");
            let consumer = tokio::spawn({
                let queue = queue.clone();
                async move {
                    let mut popped = Vec::new();
                    while let Some(item) = queue.pop().await {
                        popped.push(item);
                    }
                    popped
                }
            });
            for (seq, &priority) in items.iter().enumerate() {
                queue.push(priority, (priority, seq)).await.expect("open");
            }
            queue.close();
            consumer.await.expect("no panic")
        });
        let mut seen: Vec<usize> = popped.iter().map(|&(_, seq)| seq).collect();
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..items.len()).collect::<Vec<_>>());
        // Whatever was waiting together came out by priority: among items popped in a row, an
        // item never overtakes a higher one pushed before it... checked on the simplest case:
        // a capacity that holds everything gives a fully sorted order.
        if capacity >= items.len() {
            let keys: Vec<_> = popped.iter().map(|&(p, seq)| (std::cmp::Reverse(p), seq)).collect();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            prop_assert_eq!(keys, sorted);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_producers_and_consumers_on_threads_lose_no_wake_up() {
    // A tiny capacity keeps producers and consumers parking and waking each other across two
    // threads; a wake-up lost between a check and its `.await` would leave this test hanging.
    let queue = PriorityQueue::new(1).expect("valid");
    let mut producers = tokio::task::JoinSet::new();
    for producer in 0..4u32 {
        let queue = queue.clone();
        producers.spawn(async move {
            for n in 0..2_000u32 {
                queue
                    .push(n % 3, producer * 10_000 + n)
                    .await
                    .expect("open");
            }
        });
    }
    let mut consumers = tokio::task::JoinSet::new();
    for _ in 0..3 {
        let queue = queue.clone();
        consumers.spawn(async move {
            let mut got = 0usize;
            while queue.pop().await.is_some() {
                got += 1;
            }
            got
        });
    }
    while let Some(joined) = producers.join_next().await {
        joined.expect("no producer panics");
    }
    queue.close();
    let mut total = 0;
    while let Some(joined) = consumers.join_next().await {
        total += joined.expect("no consumer panics");
    }
    assert_eq!(total, 8_000);
}
