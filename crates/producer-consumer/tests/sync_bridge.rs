//! The sync to async bridge with a real thread: everything the thread sends arrives once, the
//! thread is held back by a full queue, stops when the consumers are gone, and a panic in it is
//! a typed error.

use basics::config::{ConfigError, MAX_CAPACITY};
use basics::task::TaskFailed;
use producer_consumer::bounded_queue;
use producer_consumer::sync_bridge::{FeederSpawnError, spawn_feeder};
use tokio::task::JoinSet;

#[tokio::test(start_paused = true)]
async fn capacity_zero_or_too_large_is_a_config_error() {
    let zero = spawn_feeder(0, |_tx: bounded_queue::Sender<u8>| ());
    assert!(
        matches!(
            &zero,
            Err(FeederSpawnError::Config(ConfigError::Zero {
                name: "capacity"
            }))
        ),
        "{zero:?}"
    );
    // Issue 10, item 10: this used to panic allocating the queue, before any thread started.
    let huge = spawn_feeder(usize::MAX, |_tx: bounded_queue::Sender<u8>| ());
    let Err(FeederSpawnError::Config(error)) = huge else {
        panic!("expected a config error, got {huge:?}");
    };
    assert_eq!(
        error,
        ConfigError::TooLarge {
            name: "capacity",
            value: usize::MAX,
            max: MAX_CAPACITY
        }
    );
}

#[tokio::test(start_paused = true)]
async fn every_item_from_the_thread_reaches_exactly_one_consumer() {
    let (feeder, rx) = spawn_feeder(4, |tx| {
        for n in 0..1_000u32 {
            tx.send_blocking(n).expect("consumers alive");
        }
    })
    .expect("a thread starts");
    let mut consumers = JoinSet::new();
    for _ in 0..3 {
        let rx = rx.clone();
        consumers.spawn(async move {
            let mut mine = Vec::new();
            while let Some(n) = rx.recv().await {
                mine.push(n);
            }
            mine
        });
    }
    drop(rx);
    let mut all = Vec::new();
    while let Some(joined) = consumers.join_next().await {
        all.extend(joined.expect("no panic"));
    }
    all.sort_unstable();
    assert_eq!(all, (0..1_000).collect::<Vec<_>>());
    feeder.join().await.expect("the thread returns");
}

#[tokio::test(start_paused = true)]
async fn a_full_queue_holds_the_thread_back_and_dropping_the_receiver_stops_it() {
    let (feeder, rx) = spawn_feeder(1, |tx| {
        let mut sent = 0u32;
        while tx.send_blocking(sent).is_ok() {
            sent += 1;
        }
        sent
    })
    .expect("a thread starts");
    assert_eq!(rx.recv().await, Some(0));
    drop(rx);
    let sent = feeder.join().await.expect("the thread stops by itself");
    // One item taken, at most one more queued: the thread never ran ahead of the queue.
    assert!((1..=2).contains(&sent), "{sent}");
}

#[tokio::test(start_paused = true)]
async fn a_panicking_thread_is_a_typed_error() {
    let (feeder, rx) = spawn_feeder(1, |_tx: bounded_queue::Sender<u8>| {
        panic!("the reader hit a corrupt file");
    })
    .expect("a thread starts");
    assert_eq!(rx.recv().await, None, "its sender dropped while unwinding");
    let Err(TaskFailed::Panicked { index: 0, payload }) = feeder.join().await else {
        panic!("the thread panicked");
    };
    assert_eq!(payload.message(), Some("the reader hit a corrupt file"));
}

#[tokio::test(start_paused = true)]
async fn a_thread_can_consume_what_async_code_sends() {
    let (tx, rx) = bounded_queue::channel(2).expect("capacity 2");
    let consumer = std::thread::spawn(move || {
        let mut sum = 0u64;
        while let Some(n) = rx.recv_blocking() {
            sum += n;
        }
        sum
    });
    for n in 1..=100 {
        tx.send(n).await.expect("the thread is alive");
    }
    drop(tx);
    let sum = tokio::task::spawn_blocking(move || consumer.join())
        .await
        .expect("joined")
        .expect("no panic");
    assert_eq!(sum, 5_050);
}
