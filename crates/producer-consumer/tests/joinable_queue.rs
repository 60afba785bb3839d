//! The joinable queue on the paused clock: `join` waits for every item, and cannot hang when a
//! consumer fails or panics mid-item (★ defect 9), is cancelled, or when no consumer is left.

use std::time::Duration;

use basics::config::{ConfigError, MAX_CAPACITY};
use producer_consumer::joinable_queue::{Counts, JoinableQueue, NoConsumerLeft};
use tokio::time::{Instant, sleep, timeout};

#[test]
fn capacity_zero_or_too_large_is_a_config_error() {
    assert_eq!(
        JoinableQueue::<u8>::new(0).unwrap_err(),
        ConfigError::Zero { name: "capacity" }
    );
    assert_eq!(
        JoinableQueue::<u8>::new(usize::MAX).unwrap_err(),
        ConfigError::TooLarge {
            name: "capacity",
            value: usize::MAX,
            max: MAX_CAPACITY
        }
    );
}

#[tokio::test(start_paused = true)]
async fn join_waits_until_every_item_is_done() {
    let queue = JoinableQueue::new(10).expect("capacity 10");
    for i in 0..6u64 {
        queue.put(i).await.expect("open");
    }
    for _ in 0..2 {
        let consumer = queue.consumer();
        tokio::spawn(async move {
            while let Some(task) = consumer.get().await {
                sleep(Duration::from_millis(100)).await;
                task.done();
            }
        });
    }
    let start = Instant::now();
    queue.join().await.expect("every item is finished");
    assert_eq!(start.elapsed(), Duration::from_millis(300));
    assert_eq!(
        queue.counts(),
        Counts {
            unfinished: 0,
            done: 6,
            failed: 0
        }
    );
    queue.close();
}

#[tokio::test(start_paused = true)]
async fn join_returns_at_once_on_an_empty_queue() {
    let queue = JoinableQueue::<u8>::new(1).expect("capacity 1");
    let start = Instant::now();
    assert_eq!(
        queue.join().await,
        Ok(()),
        "nothing is unfinished, consumers or not"
    );
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn join_returns_when_a_consumer_fails_mid_item() {
    let queue = JoinableQueue::new(4).expect("capacity 4");
    for i in 0..4u32 {
        queue.put(i).await.expect("open");
    }
    let consumer = queue.consumer();
    tokio::spawn(async move {
        // The `?`-style early exit on item 2: in Python, `task_done()` is skipped.
        async fn process(task: &u32) -> Result<(), String> {
            sleep(Duration::from_millis(10)).await;
            if *task == 2 {
                Err("bad item".into())
            } else {
                Ok(())
            }
        }
        while let Some(task) = consumer.get().await {
            if process(&task).await.is_err() {
                continue;
            }
            task.done();
        }
    });
    timeout(Duration::from_secs(60), queue.join())
        .await
        .expect("join cannot hang")
        .expect("every item is finished");
    let counts = queue.counts();
    assert_eq!((counts.done, counts.failed, counts.unfinished), (3, 1, 0));
}

#[tokio::test(start_paused = true)]
async fn join_returns_when_a_consumer_panics_mid_item() {
    let queue = JoinableQueue::new(4).expect("capacity 4");
    for i in 0..4u32 {
        queue.put(i).await.expect("open");
    }
    let fragile = queue.consumer();
    let crashed = tokio::spawn(async move {
        let task = fragile.get().await.expect("an item");
        sleep(Duration::from_millis(10)).await;
        panic!("consumer crashes holding item {}", *task);
    });
    let sturdy = queue.consumer();
    tokio::spawn(async move {
        while let Some(task) = sturdy.get().await {
            sleep(Duration::from_millis(10)).await;
            task.done();
        }
    });
    timeout(Duration::from_secs(60), queue.join())
        .await
        .expect("join cannot hang")
        .expect("every item is finished");
    assert!(crashed.await.unwrap_err().is_panic());
    let counts = queue.counts();
    assert_eq!((counts.done, counts.failed, counts.unfinished), (3, 1, 0));
}

#[tokio::test(start_paused = true)]
async fn an_aborted_consumer_releases_its_item() {
    let queue = JoinableQueue::new(2).expect("capacity 2");
    queue.put("slow").await.expect("open");
    let consumer = queue.consumer();
    let handle = tokio::spawn(async move {
        let _task = consumer.get().await;
        sleep(Duration::from_secs(3_600)).await;
    });
    sleep(Duration::from_millis(10)).await;
    assert_eq!(queue.counts().unfinished, 1);
    handle.abort();
    let joined = timeout(Duration::from_secs(1), queue.join())
        .await
        .expect("the abort dropped the guard");
    assert_eq!(joined, Ok(()));
    assert_eq!(queue.counts().failed, 1);
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_put_counts_nothing() {
    let queue = JoinableQueue::new(1).expect("capacity 1");
    queue.put(1).await.expect("room");
    // The queue is full: this put waits and is dropped by the timeout.
    assert!(
        timeout(Duration::from_millis(10), queue.put(2))
            .await
            .is_err()
    );
    assert_eq!(
        queue.counts().unfinished,
        1,
        "only the accepted item counts"
    );
    let consumer = queue.consumer();
    let task = consumer.get().await.expect("item 1");
    task.done();
    let joined = timeout(Duration::from_secs(1), queue.join())
        .await
        .expect("nothing else is unfinished");
    assert_eq!(joined, Ok(()));
}

#[tokio::test(start_paused = true)]
async fn close_rejects_puts_and_lets_consumers_drain() {
    let queue = JoinableQueue::new(2).expect("capacity 2");
    queue.put(1).await.expect("open");
    assert!(queue.close());
    assert_eq!(queue.put(2).await.unwrap_err().0, 2);
    assert_eq!(queue.counts().unfinished, 1);
    let consumer = queue.consumer();
    let (item, guard) = consumer.get().await.expect("queued item").into_parts();
    assert_eq!(item, 1);
    guard.done();
    assert!(consumer.get().await.is_none());
    assert_eq!(queue.join().await, Ok(()));
}

#[tokio::test(start_paused = true)]
async fn join_reports_the_unfinished_items_when_the_only_consumer_panics() {
    // Issue 10, item 3: `join` used to wait forever for the three items still queued.
    let queue = JoinableQueue::new(4).expect("capacity 4");
    for i in 0..4u32 {
        queue.put(i).await.expect("open");
    }
    let consumer = queue.consumer();
    let crashed = tokio::spawn(async move {
        let _task = consumer.get().await.expect("an item");
        sleep(Duration::from_millis(10)).await;
        panic!("the only consumer crashes");
    });
    let start = Instant::now();
    let joined = timeout(Duration::from_secs(60), queue.join())
        .await
        .expect("join cannot hang");
    assert_eq!(joined, Err(NoConsumerLeft { unfinished: 3 }));
    assert_eq!(start.elapsed(), Duration::from_millis(10), "at the panic");
    assert!(crashed.await.unwrap_err().is_panic());
    let counts = queue.counts();
    assert_eq!((counts.done, counts.failed, counts.unfinished), (0, 1, 3));
    assert_eq!(
        NoConsumerLeft { unfinished: 3 }.to_string(),
        "no consumer is left and 3 items are unfinished"
    );
}

#[tokio::test(start_paused = true)]
async fn join_waits_for_a_task_in_hand_after_its_consumer_is_dropped() {
    let queue = JoinableQueue::new(2).expect("capacity 2");
    queue.put("slow").await.expect("open");
    let consumer = queue.consumer();
    let task = consumer.get().await.expect("queued");
    drop(consumer); // the task in hand still counts as a consumer
    tokio::spawn(async move {
        sleep(Duration::from_millis(100)).await;
        task.done();
    });
    let start = Instant::now();
    assert_eq!(queue.join().await, Ok(()));
    assert_eq!(start.elapsed(), Duration::from_millis(100));
}

#[tokio::test(start_paused = true)]
async fn join_with_items_put_and_no_consumer_yet_returns_at_once() {
    let queue = JoinableQueue::new(2).expect("capacity 2");
    queue.put(1).await.expect("open");
    assert_eq!(
        queue.join().await,
        Err(NoConsumerLeft { unfinished: 1 }),
        "nobody could ever finish the item"
    );
}
