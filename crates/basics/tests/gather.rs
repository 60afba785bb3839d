//! Gather on the paused clock: concurrent members end together, outputs keep input order, and
//! failures in spawned members abort the rest.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::{TaskFailed, gather, spawn_all};
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn five_half_second_fetches_end_at_half_a_second_not_two_and_a_half() {
    let start = Instant::now();
    let users = gather((1..=5).map(|id| async move {
        sleep(Duration::from_millis(500)).await;
        id
    }))
    .await;
    assert_eq!(users, [1, 2, 3, 4, 5]);
    assert_eq!(start.elapsed(), Duration::from_millis(500));
}

#[tokio::test(start_paused = true)]
async fn outputs_keep_input_order_whatever_the_finishing_order() {
    let start = Instant::now();
    let delays = [300u64, 100, 200];
    let out = spawn_all(delays.map(|ms| async move {
        sleep(Duration::from_millis(ms)).await;
        ms
    }))
    .await
    .expect("no member fails");
    assert_eq!(out, delays);
    assert_eq!(start.elapsed(), Duration::from_millis(300));
}

#[tokio::test(start_paused = true)]
async fn an_empty_input_returns_at_once() {
    let start = Instant::now();
    let none: Vec<std::future::Ready<u8>> = Vec::new();
    assert!(gather(none).await.is_empty());
    let none: Vec<std::future::Ready<u8>> = Vec::new();
    assert!(spawn_all(none).await.expect("nothing to fail").is_empty());
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_member_is_reported_by_position_and_the_rest_are_aborted() {
    let finished = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let members = (0..4).map(|index| {
        let finished = Arc::clone(&finished);
        async move {
            if index == 2 {
                sleep(Duration::from_millis(100)).await;
                panic!("member 2 fails");
            }
            sleep(Duration::from_secs(10)).await;
            finished.fetch_add(1, Ordering::SeqCst);
        }
    });
    let error = spawn_all(members).await.expect_err("member 2 panics");
    assert!(
        matches!(error, TaskFailed::Panicked { index: 2, .. }),
        "{error:?}"
    );
    assert_eq!(start.elapsed(), Duration::from_millis(100));
    // Had the others been left running, they would finish at +10 s.
    sleep(Duration::from_secs(20)).await;
    assert_eq!(finished.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn dropping_spawn_all_aborts_every_task() {
    let finished = Arc::new(AtomicUsize::new(0));
    let members = (0..3).map(|_| {
        let finished = Arc::clone(&finished);
        async move {
            sleep(Duration::from_secs(1)).await;
            finished.fetch_add(1, Ordering::SeqCst);
        }
    });
    let outcome = tokio::time::timeout(Duration::from_millis(500), spawn_all(members)).await;
    assert!(outcome.is_err(), "the timeout fires first");
    sleep(Duration::from_secs(5)).await;
    assert_eq!(
        finished.load(Ordering::SeqCst),
        0,
        "no task was left detached"
    );
}

#[tokio::test(start_paused = true)]
async fn outputs_keep_input_order_for_many_members() {
    let start = Instant::now();
    // 200 members finishing in a shuffled order (37 and 200 are coprime).
    let out = spawn_all((0..200u64).map(|index| async move {
        sleep(Duration::from_millis((index * 37) % 200)).await;
        index
    }))
    .await
    .expect("no member fails");
    assert_eq!(out, (0..200).collect::<Vec<_>>());
    assert_eq!(start.elapsed(), Duration::from_millis(199));
}
