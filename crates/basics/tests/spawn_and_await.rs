//! Spawn and await later on the paused clock: spawned tasks start at once, a dropped
//! `JoinHandle` detaches, `abort` and a dropped `OwnedTask` cancel.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::{OwnedTask, TaskFailed};
use tokio::time::{Instant, sleep};

/// Sleeps `secs`, then counts itself in `finished`.
async fn job(finished: Arc<AtomicUsize>, secs: u64) -> u64 {
    sleep(Duration::from_secs(secs)).await;
    finished.fetch_add(1, Ordering::SeqCst);
    secs
}

#[tokio::test(start_paused = true)]
async fn spawned_tasks_run_while_main_works() {
    let finished = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let task1 = tokio::spawn(job(Arc::clone(&finished), 2));
    let task2 = tokio::spawn(job(Arc::clone(&finished), 1));
    sleep(Duration::from_millis(500)).await;
    assert_eq!(finished.load(Ordering::SeqCst), 0);

    assert_eq!(task1.await.expect("no panic"), 2);
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    // Task 2 finished at +1 s while main awaited task 1.
    assert!(task2.is_finished());
    assert_eq!(task2.await.expect("no panic"), 1);
    assert_eq!(start.elapsed(), Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_dropped_handle_detaches_while_an_aborted_one_cancels() {
    let detached = Arc::new(AtomicUsize::new(0));
    let aborted = Arc::new(AtomicUsize::new(0));
    drop(tokio::spawn(job(Arc::clone(&detached), 1)));
    let handle = tokio::spawn(job(Arc::clone(&aborted), 1));
    sleep(Duration::from_millis(500)).await;
    handle.abort();
    let error = handle.await.expect_err("aborted");
    assert!(error.is_cancelled());
    sleep(Duration::from_secs(5)).await;
    assert_eq!(
        detached.load(Ordering::SeqCst),
        1,
        "the detached task ran to the end"
    );
    assert_eq!(
        aborted.load(Ordering::SeqCst),
        0,
        "the aborted task never finished"
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_an_owned_task_cancels_it() {
    let finished = Arc::new(AtomicUsize::new(0));
    let owned = OwnedTask::spawn(job(Arc::clone(&finished), 1));
    sleep(Duration::from_millis(500)).await;
    drop(owned);
    sleep(Duration::from_secs(5)).await;
    assert_eq!(finished.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn an_owned_task_gives_its_output_when_awaited() {
    let finished = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let owned = OwnedTask::spawn(job(Arc::clone(&finished), 2));
    assert!(owned.id().is_some());
    assert!(!owned.is_finished());
    assert_eq!(owned.await.expect("no failure"), 2);
    assert_eq!(start.elapsed(), Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_timeout_around_an_owned_task_cancels_the_task_too() {
    let finished = Arc::new(AtomicUsize::new(0));
    let owned = OwnedTask::spawn(job(Arc::clone(&finished), 2));
    let outcome = tokio::time::timeout(Duration::from_secs(1), owned).await;
    assert!(outcome.is_err());
    sleep(Duration::from_secs(5)).await;
    assert_eq!(finished.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn abort_and_panic_are_typed_errors() {
    let finished = Arc::new(AtomicUsize::new(0));
    let owned = OwnedTask::spawn(job(Arc::clone(&finished), 1));
    owned.abort();
    assert!(matches!(
        owned.await,
        Err(TaskFailed::Cancelled { index: 0 })
    ));

    let panicking = OwnedTask::spawn(async {
        sleep(Duration::from_millis(10)).await;
        panic!("boom");
    });
    let error = panicking.await.expect_err("it panics");
    assert!(
        matches!(error, TaskFailed::Panicked { index: 0, .. }),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "task 0 panicked: boom");
}

#[tokio::test(start_paused = true)]
async fn a_detached_owned_task_keeps_running() {
    let finished = Arc::new(AtomicUsize::new(0));
    let handle = OwnedTask::spawn(job(Arc::clone(&finished), 1)).detach();
    drop(handle);
    sleep(Duration::from_secs(2)).await;
    assert_eq!(finished.load(Ordering::SeqCst), 1);
}
