//! First success race on the paused clock: a fast failure never wins over a slower success, every
//! failure is reported when nobody succeeds, and the losers are cancelled.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::{RaceError, TaskFailed, first_ok, spawn_first_ok};
use common::after_its_tasks_runtime_shut_down;
use tokio::time::{Instant, sleep};

type Mirror = Pin<Box<dyn Future<Output = Result<&'static str, String>> + Send>>;

/// A mirror that answers `outcome` after `ms`, and counts the answers it really produced.
fn mirror(ms: u64, outcome: Result<&'static str, &'static str>, done: &Arc<AtomicUsize>) -> Mirror {
    let done = Arc::clone(done);
    Box::pin(async move {
        sleep(Duration::from_millis(ms)).await;
        done.fetch_add(1, Ordering::SeqCst);
        outcome.map_err(str::to_owned)
    })
}

#[tokio::test(start_paused = true)]
async fn a_fast_failure_does_not_win_over_a_slower_success() {
    let done = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let winner = first_ok([
        mirror(100, Err("mirror a refused"), &done),
        mirror(300, Ok("mirror b"), &done),
        mirror(500, Ok("mirror c"), &done),
    ])
    .await
    .expect("mirror b succeeds");
    assert_eq!((winner.index, winner.value), (1, "mirror b"));
    // Virtual time ends at the winner's time, not at the failure's and not at the slowest's.
    assert_eq!(start.elapsed(), Duration::from_millis(300));
}

#[tokio::test(start_paused = true)]
async fn the_first_completed_is_the_failure_which_is_the_python_defect() {
    // What `asyncio.wait(FIRST_COMPLETED)` hands back: whoever finished first.
    let done = Arc::new(AtomicUsize::new(0));
    let (first, _, _) = futures::future::select_all([
        mirror(100, Err("mirror a refused"), &done),
        mirror(300, Ok("mirror b"), &done),
    ])
    .await;
    assert_eq!(first, Err("mirror a refused".to_owned()));
}

#[tokio::test(start_paused = true)]
async fn every_failure_is_reported_in_input_order_when_none_succeeds() {
    let done = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let error = first_ok([
        mirror(300, Err("a"), &done),
        mirror(100, Err("b"), &done),
        mirror(200, Err("c"), &done),
    ])
    .await
    .expect_err("every mirror fails");
    match error {
        RaceError::AllFailed { errors } => assert_eq!(errors, ["a", "b", "c"]),
        other => panic!("expected AllFailed, got {other:?}"),
    }
    assert_eq!(start.elapsed(), Duration::from_millis(300));

    let error = spawn_first_ok([mirror(300, Err("a"), &done), mirror(100, Err("b"), &done)])
        .await
        .expect_err("every mirror fails");
    assert_eq!(error.to_string(), "all 2 candidates failed");
    assert!(matches!(error, RaceError::AllFailed { errors } if errors == ["a", "b"]));
}

#[tokio::test(start_paused = true)]
async fn losers_are_cancelled_and_never_finish() {
    for spawned in [false, true] {
        let done = Arc::new(AtomicUsize::new(0));
        let mirrors = [
            mirror(100, Ok("fast"), &done),
            mirror(400, Ok("slow"), &done),
            mirror(900, Err("slower"), &done),
        ];
        let start = Instant::now();
        let winner = if spawned {
            spawn_first_ok(mirrors).await
        } else {
            first_ok(mirrors).await
        }
        .expect("the fast mirror wins");
        assert_eq!(winner.value, "fast");
        assert_eq!(start.elapsed(), Duration::from_millis(100));
        // Had the losers kept running, they would have finished by +900 ms.
        sleep(Duration::from_secs(2)).await;
        assert_eq!(done.load(Ordering::SeqCst), 1, "spawned: {spawned}");
    }
}

#[tokio::test(start_paused = true)]
async fn an_empty_race_is_an_error_at_once() {
    let start = Instant::now();
    let none: Vec<Mirror> = Vec::new();
    assert!(matches!(first_ok(none).await, Err(RaceError::Empty)));
    let none: Vec<Mirror> = Vec::new();
    let error = spawn_first_ok(none).await.expect_err("nothing to race");
    assert_eq!(error.to_string(), "no candidates to race");
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_spawned_candidate_is_reported_and_the_rest_aborted() {
    let done = Arc::new(AtomicUsize::new(0));
    let boom: Mirror = Box::pin(async {
        sleep(Duration::from_millis(50)).await;
        panic!("mirror bug")
    });
    let error = spawn_first_ok([boom, mirror(500, Ok("late"), &done)])
        .await
        .expect_err("the panic surfaces");
    let RaceError::TaskFailed(TaskFailed::Panicked { index: 0, payload }) = &error else {
        panic!("expected candidate 0's panic, got {error:?}");
    };
    assert_eq!(payload.message(), Some("mirror bug"));
    sleep(Duration::from_secs(1)).await;
    assert_eq!(done.load(Ordering::SeqCst), 0);
}

#[test]
fn a_candidate_cancelled_from_outside_is_reported_as_cancelled_not_as_a_panic() {
    let error = after_its_tasks_runtime_shut_down(spawn_first_ok([
        Box::pin(std::future::pending()) as Mirror,
    ]))
    .expect_err("the candidate was cancelled");
    assert!(
        matches!(
            error,
            RaceError::TaskFailed(TaskFailed::Cancelled { index: 0 })
        ),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "task 0 was cancelled");
}
