//! Sequential await on the paused clock: futures are lazy, awaits in a row add up.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::{gather, sequential, timed};
use tokio::time::{Instant, sleep};

async fn fetch(started: Arc<AtomicUsize>, id: u32) -> u32 {
    started.fetch_add(1, Ordering::SeqCst);
    sleep(Duration::from_secs(1)).await;
    id
}

#[tokio::test(start_paused = true)]
async fn one_fetch_of_a_second_takes_a_second() {
    let started = Arc::new(AtomicUsize::new(0));
    let (id, took) = timed(fetch(Arc::clone(&started), 7)).await;
    assert_eq!((id, took), (7, Duration::from_secs(1)));
}

#[tokio::test(start_paused = true)]
async fn a_future_that_is_never_awaited_never_runs() {
    let started = Arc::new(AtomicUsize::new(0));
    let future = fetch(Arc::clone(&started), 1);
    sleep(Duration::from_secs(5)).await;
    assert_eq!(started.load(Ordering::SeqCst), 0, "built, not started");
    drop(future);
    sleep(Duration::from_secs(5)).await;
    assert_eq!(started.load(Ordering::SeqCst), 0, "dropped, never started");
}

#[tokio::test(start_paused = true)]
async fn sequential_awaits_add_up_and_start_one_at_a_time() {
    let started = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let counter = Arc::clone(&started);
    let run = tokio::spawn(sequential(
        (1..=3).map(move |id| fetch(Arc::clone(&counter), id)),
    ));
    // Half-way through the second fetch, the third has not started.
    sleep(Duration::from_millis(1_500)).await;
    assert_eq!(started.load(Ordering::SeqCst), 2);
    let ids = run.await.expect("no panic");
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(start.elapsed(), Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn the_same_fetches_gathered_take_one_second() {
    let started = Arc::new(AtomicUsize::new(0));
    let (ids, took) = timed(gather((1..=3).map(|id| fetch(Arc::clone(&started), id)))).await;
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(took, Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn an_empty_list_returns_at_once() {
    let none: Vec<std::future::Ready<u8>> = Vec::new();
    let (out, took) = timed(sequential(none)).await;
    assert!(out.is_empty());
    assert_eq!(took, Duration::ZERO);
}
