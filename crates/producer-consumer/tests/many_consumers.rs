//! Many consumers on the paused clock: every item goes to exactly one consumer, consumers work
//! in parallel, and holding the shared receiver's lock while working serialises them.

use std::sync::Arc;
use std::time::Duration;

use basics::config::{ConfigError, MAX_CAPACITY};
use producer_consumer::bounded_queue;
use producer_consumer::many_consumers::{SharedReceiver, shared_channel};
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

#[test]
fn capacity_zero_or_too_large_is_a_config_error() {
    assert_eq!(
        shared_channel::<u8>(0).unwrap_err(),
        ConfigError::Zero { name: "capacity" }
    );
    // Issue 10, item 10: this used to panic inside tokio's `mpsc::channel`.
    assert_eq!(
        shared_channel::<u8>(usize::MAX).unwrap_err(),
        ConfigError::TooLarge {
            name: "capacity",
            value: usize::MAX,
            max: MAX_CAPACITY
        }
    );
}

async fn collect(mut set: JoinSet<Vec<u32>>) -> Vec<Vec<u32>> {
    let mut all = Vec::new();
    while let Some(joined) = set.join_next().await {
        all.push(joined.expect("no consumer panics"));
    }
    all
}

fn assert_each_once(per_consumer: &[Vec<u32>], items: u32) {
    let mut all: Vec<u32> = per_consumer.iter().flatten().copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..items).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn a_shared_receiver_splits_items_and_runs_consumers_in_parallel() {
    let (tx, rx) = shared_channel(4).expect("capacity 4");
    let mut set = JoinSet::new();
    for _ in 0..4 {
        let rx: SharedReceiver<u32> = rx.clone();
        set.spawn(async move {
            let mut mine = Vec::new();
            while let Some(item) = rx.recv().await {
                sleep(Duration::from_millis(100)).await;
                mine.push(item);
            }
            mine
        });
    }
    let start = Instant::now();
    for item in 0..20 {
        tx.send(item).await.expect("consumers alive");
    }
    drop(tx);
    let per_consumer = collect(set).await;
    assert_each_once(&per_consumer, 20);
    assert!(
        per_consumer.iter().all(|mine| mine.len() == 5),
        "{per_consumer:?}"
    );
    assert_eq!(start.elapsed(), Duration::from_millis(500), "4 in parallel");
}

#[tokio::test(start_paused = true)]
async fn the_mpmc_queue_splits_items_and_runs_consumers_in_parallel() {
    let (tx, rx) = bounded_queue::channel(4).expect("capacity 4");
    let mut set = JoinSet::new();
    for _ in 0..4 {
        let rx = rx.clone();
        set.spawn(async move {
            let mut mine = Vec::new();
            while let Some(item) = rx.recv().await {
                sleep(Duration::from_millis(100)).await;
                mine.push(item);
            }
            mine
        });
    }
    let start = Instant::now();
    for item in 0..20 {
        tx.send(item).await.expect("consumers alive");
    }
    drop(tx);
    let per_consumer = collect(set).await;
    assert_each_once(&per_consumer, 20);
    assert_eq!(start.elapsed(), Duration::from_millis(500));
}

#[tokio::test(start_paused = true)]
async fn holding_the_lock_while_working_serialises_the_consumers() {
    let (tx, rx) = mpsc::channel(4);
    let shared = Arc::new(Mutex::new(rx));
    let mut set = JoinSet::new();
    for _ in 0..4 {
        let shared = Arc::clone(&shared);
        set.spawn(async move {
            let mut mine = Vec::new();
            // The pitfall: the guard lives for the whole loop, so one consumer takes everything.
            let mut rx = shared.lock().await;
            while let Some(item) = rx.recv().await {
                sleep(Duration::from_millis(100)).await;
                mine.push(item);
            }
            mine
        });
    }
    let start = Instant::now();
    for item in 0..8 {
        tx.send(item).await.expect("a consumer is alive");
    }
    drop(tx);
    let per_consumer = collect(set).await;
    assert_each_once(&per_consumer, 8);
    assert_eq!(
        per_consumer.iter().filter(|mine| !mine.is_empty()).count(),
        1
    );
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(800),
        "serial, not 200ms"
    );
}
