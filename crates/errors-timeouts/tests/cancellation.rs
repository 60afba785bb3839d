//! Cancellation and cleanup: drop at an `.await`, Drop guards, CancellationToken, abort + await.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::TaskFailed;
use errors_timeouts::{on_drop, stop_task};
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

#[tokio::test(start_paused = true)]
async fn cancellation_is_a_drop_at_an_await_and_the_guard_runs() {
    let after_await = Arc::new(AtomicUsize::new(0));
    let cleaned = Arc::new(AtomicUsize::new(0));
    let work = {
        let (after_await, cleaned) = (Arc::clone(&after_await), Arc::clone(&cleaned));
        async move {
            let _guard = on_drop(move || {
                cleaned.fetch_add(1, Ordering::SeqCst);
            });
            sleep(Duration::from_secs(10)).await;
            after_await.fetch_add(1, Ordering::SeqCst);
        }
    };
    assert!(
        tokio::time::timeout(Duration::from_secs(1), work)
            .await
            .is_err()
    );
    assert_eq!(cleaned.load(Ordering::SeqCst), 1);
    assert_eq!(
        after_await.load(Ordering::SeqCst),
        0,
        "code after the .await never ran"
    );
}

#[tokio::test(start_paused = true)]
async fn a_disarmed_guard_does_nothing() {
    let cleaned = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&cleaned);
    on_drop(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    })
    .disarm();
    assert_eq!(cleaned.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn a_token_lets_the_worker_run_async_cleanup_then_return() {
    let token = CancellationToken::new();
    let worker = tokio::spawn({
        let token = token.clone();
        async move {
            let mut handled = 0;
            loop {
                tokio::select! {
                    biased;
                    () = token.cancelled() => break,
                    () = sleep(Duration::from_millis(300)) => handled += 1,
                }
            }
            sleep(Duration::from_millis(100)).await; // async cleanup
            handled
        }
    });
    let start = Instant::now();
    sleep(Duration::from_secs(1)).await;
    token.cancel();
    assert_eq!(worker.await.expect("no panic"), 3);
    assert_eq!(start.elapsed(), Duration::from_millis(1_100));
}

#[tokio::test(start_paused = true)]
async fn stop_task_returns_once_the_task_has_stopped() {
    let cleaned = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&cleaned);
    let task = tokio::spawn(async move {
        let _guard = on_drop(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        sleep(Duration::from_secs(60)).await;
    });
    sleep(Duration::from_millis(10)).await;
    assert!(matches!(
        stop_task(task).await,
        Err(TaskFailed::Cancelled { index: 0 })
    ));
    assert_eq!(
        cleaned.load(Ordering::SeqCst),
        1,
        "cleanup ran before stop_task returned"
    );
}

#[tokio::test(start_paused = true)]
async fn stop_task_on_a_finished_task_returns_its_output() {
    let task = tokio::spawn(async { 5 });
    sleep(Duration::from_millis(1)).await;
    assert!(matches!(stop_task(task).await, Ok(5)));
}

#[tokio::test(start_paused = true)]
async fn dropping_a_join_handle_detaches_it_does_not_cancel() {
    let done = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&done);
    drop(tokio::spawn(async move {
        sleep(Duration::from_secs(1)).await;
        counter.fetch_add(1, Ordering::SeqCst);
    }));
    sleep(Duration::from_secs(2)).await;
    assert_eq!(
        done.load(Ordering::SeqCst),
        1,
        "the detached task ran to the end"
    );
}

/// Review: `stop_task` used to be an `async fn`, so a future dropped before its first poll (a
/// `select!` branch that lost, a timeout of zero) never aborted the task and detached it. The
/// abort is now requested by the call.
#[tokio::test(start_paused = true)]
async fn a_stop_dropped_before_its_first_poll_still_stops_the_task() {
    let stopped = Arc::new(AtomicUsize::new(0));
    let task = tokio::spawn({
        let stopped = Arc::clone(&stopped);
        async move {
            let _guard = on_drop(move || {
                stopped.fetch_add(1, Ordering::SeqCst);
            });
            sleep(Duration::from_secs(60)).await;
        }
    });
    tokio::task::yield_now().await; // the task starts and parks in its sleep
    drop(stop_task(task));
    tokio::task::yield_now().await;
    assert_eq!(stopped.load(Ordering::SeqCst), 1, "the task was dropped");
}
