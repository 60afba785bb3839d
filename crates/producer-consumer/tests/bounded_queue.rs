//! The bounded queue on the paused clock: backpressure, the end of the stream reaching every
//! consumer (★ defect 9: no sentinels to count), and capacity 0 refused.

use std::time::Duration;

use basics::config::{ConfigError, MAX_CAPACITY};
use producer_consumer::bounded_queue::{self, TrySendError};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep, timeout};

#[test]
fn capacity_zero_or_too_large_is_a_config_error() {
    assert_eq!(
        bounded_queue::channel::<u8>(0).unwrap_err(),
        ConfigError::Zero { name: "capacity" }
    );
    // Issue 10, item 10: this used to panic allocating `usize::MAX` slots.
    assert_eq!(
        bounded_queue::channel::<u8>(usize::MAX).unwrap_err(),
        ConfigError::TooLarge {
            name: "capacity",
            value: usize::MAX,
            max: MAX_CAPACITY
        }
    );
    assert!(bounded_queue::channel::<u8>(MAX_CAPACITY).is_ok());
}

#[tokio::test(start_paused = true)]
async fn a_full_queue_makes_the_producer_wait_for_the_consumer() {
    let (tx, rx) = bounded_queue::channel(2).expect("capacity 2");
    let consumer = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(item) = rx.recv().await {
            sleep(Duration::from_millis(100)).await;
            seen.push(item);
        }
        seen
    });
    let start = Instant::now();
    for item in 0..10 {
        tx.send(item).await.expect("the consumer is alive");
    }
    // 10 items, 2 slots and a consumer taking one every 0.1 s: the producer cannot finish before
    // the consumer has taken all but 3 of them (2 queued, 1 in hand).
    assert_eq!(start.elapsed(), Duration::from_millis(700));
    drop(tx);
    assert_eq!(
        consumer.await.expect("no panic"),
        (0..10).collect::<Vec<_>>()
    );
    assert_eq!(start.elapsed(), Duration::from_millis(1_000));
}

#[tokio::test(start_paused = true)]
async fn two_producers_three_consumers_all_consumers_exit() {
    // The Python rendition sends one `None` per producer: with 3 consumers the third waits forever.
    let (tx, rx) = bounded_queue::channel(10).expect("capacity 10");
    let mut tasks = JoinSet::new();
    for p in 0..2u32 {
        let tx = tx.clone();
        tasks.spawn(async move {
            for i in 0..5 {
                tx.send(p * 10 + i).await.expect("consumers are alive");
                sleep(Duration::from_millis(100)).await;
            }
            0usize
        });
    }
    drop(tx);
    for _ in 0..3 {
        let rx = rx.clone();
        tasks.spawn(async move {
            let mut done = 0;
            while rx.recv().await.is_some() {
                sleep(Duration::from_millis(200)).await;
                done += 1;
            }
            done
        });
    }
    drop(rx);
    let start = Instant::now();
    let mut processed = 0;
    let all = timeout(Duration::from_secs(60), async {
        while let Some(joined) = tasks.join_next().await {
            processed += joined.expect("no task panics");
        }
    });
    all.await.expect("every consumer sees the end of the queue");
    assert_eq!(processed, 10);
    assert_eq!(start.elapsed(), Duration::from_millis(800));
}

#[tokio::test(start_paused = true)]
async fn a_sender_kept_alive_means_the_queue_never_ends() {
    let (tx, rx) = bounded_queue::channel(4).expect("capacity 4");
    tx.send(1).await.expect("open");
    let drained = timeout(Duration::from_secs(5), async {
        while rx.recv().await.is_some() {}
    })
    .await;
    assert!(
        drained.is_err(),
        "with `tx` alive the consumer waits for more"
    );
    drop(tx);
    assert_eq!(rx.recv().await, None, "dropping the last sender ends it");
}

#[tokio::test(start_paused = true)]
async fn closing_rejects_new_items_but_keeps_queued_ones() {
    let (tx, rx) = bounded_queue::channel(4).expect("capacity 4");
    tx.send("queued").await.expect("open");
    assert!(rx.close());
    assert!(!tx.close(), "already closed");
    assert_eq!(tx.send("late").await.unwrap_err().0, "late");
    assert!(matches!(
        tx.try_send("later"),
        Err(TrySendError::Closed("later"))
    ));
    assert_eq!(rx.recv().await, Some("queued"));
    assert_eq!(rx.recv().await, None);
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_recv_takes_nothing() {
    let (tx, rx) = bounded_queue::channel(1).expect("capacity 1");
    let lost = timeout(Duration::from_millis(10), rx.recv()).await;
    assert!(lost.is_err());
    tx.send(7).await.expect("open");
    assert_eq!(rx.recv().await, Some(7));
}
