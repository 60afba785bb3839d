//! Completion on the paused clock: the queue ends when the producers return, consumers drain and
//! exit, nothing is left running, and bad input or a panic is a typed error.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::config::{ConfigError, MAX_CAPACITY};
use basics::task::TaskFailed;
use producer_consumer::Sender;
use producer_consumer::completion::{CompletionError, run_to_completion};
use tokio::time::{Instant, sleep, timeout};

fn counting_producers(
    count: u32,
    items: u32,
) -> impl Iterator<Item = impl FnOnce(Sender<u32>) -> futures::future::BoxFuture<'static, ()>> {
    (0..count).map(move |p| {
        move |tx: Sender<u32>| -> futures::future::BoxFuture<'static, ()> {
            Box::pin(async move {
                for i in 0..items {
                    tx.send(p * 1_000 + i).await.expect("consumers are alive");
                    sleep(Duration::from_millis(100)).await;
                }
            })
        }
    })
}

#[tokio::test(start_paused = true)]
async fn more_consumers_than_producers_all_return_after_draining() {
    let start = Instant::now();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    let done = run_to_completion(10, counting_producers(2, 5), 3, move |_item| {
        let counter = Arc::clone(&counter);
        async move {
            sleep(Duration::from_millis(200)).await;
            counter.fetch_add(1, Ordering::SeqCst);
        }
    })
    .expect("valid configuration")
    .await
    .expect("nothing fails");
    assert_eq!(done.total(), 10);
    assert_eq!(done.per_consumer.len(), 3);
    assert_eq!(seen.load(Ordering::SeqCst), 10);
    assert_eq!(start.elapsed(), Duration::from_millis(800));
}

#[tokio::test(start_paused = true)]
async fn no_producers_is_an_empty_run() {
    let none = counting_producers(0, 0);
    let done = run_to_completion(1, none, 2, |_item| async {})
        .expect("valid configuration")
        .await
        .expect("empty");
    assert_eq!(done.per_consumer, [0, 0]);
}

#[tokio::test(start_paused = true)]
async fn zero_or_too_large_capacity_or_consumers_are_config_errors() {
    let config_error = |capacity, consumers| {
        run_to_completion(
            capacity,
            counting_producers(1, 1),
            consumers,
            |_item| async {},
        )
        .err()
        .expect("refused before anything runs")
    };
    assert_eq!(config_error(0, 1), ConfigError::Zero { name: "capacity" });
    assert_eq!(config_error(1, 0), ConfigError::Zero { name: "consumers" });
    let too_large = |name| ConfigError::TooLarge {
        name,
        value: usize::MAX,
        max: MAX_CAPACITY,
    };
    assert_eq!(config_error(usize::MAX, 1), too_large("capacity"));
    assert_eq!(config_error(1, usize::MAX), too_large("consumers"));
}

#[tokio::test(start_paused = true)]
async fn a_panicking_consumer_is_reported_and_nothing_keeps_running() {
    let after = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&after);
    let outcome = run_to_completion(2, counting_producers(1, 100), 2, move |item| {
        let counter = Arc::clone(&counter);
        async move {
            sleep(Duration::from_millis(10)).await;
            assert_ne!(item, 3, "item 3 is poison");
            counter.fetch_add(1, Ordering::SeqCst);
        }
    })
    .expect("valid configuration")
    .await;
    // Items alternate between the two consumers, so consumer 1 takes item 3.
    let Err(CompletionError::Consumer(TaskFailed::Panicked { index, payload })) = outcome else {
        panic!("expected a consumer's panic, got {outcome:?}");
    };
    assert_eq!(index, 1);
    assert!(
        payload
            .message()
            .is_some_and(|m| m.contains("item 3 is poison")),
        "{payload:?}"
    );
    let at_error = after.load(Ordering::SeqCst);
    sleep(Duration::from_secs(60)).await;
    assert_eq!(
        after.load(Ordering::SeqCst),
        at_error,
        "every task was aborted"
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_the_run_aborts_every_task() {
    let after = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&after);
    let run = run_to_completion(2, counting_producers(2, 100), 2, move |_item| {
        let counter = Arc::clone(&counter);
        async move {
            sleep(Duration::from_millis(100)).await;
            counter.fetch_add(1, Ordering::SeqCst);
        }
    })
    .expect("valid configuration");
    assert!(timeout(Duration::from_millis(350), run).await.is_err());
    let at_drop = after.load(Ordering::SeqCst);
    sleep(Duration::from_secs(60)).await;
    assert_eq!(after.load(Ordering::SeqCst), at_drop);
}
