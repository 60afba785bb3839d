//! Task groups on the paused clock: all outputs in spawn order, or the first failure with every
//! sibling cancelled and cleaned up by the time `join` returns.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::{TaskFailed, TaskGroup, TaskGroupError};
use common::after_its_tasks_runtime_shut_down;
use tokio::time::{Instant, sleep};

/// Counts itself in `cleaned` when dropped: the cleanup a cancelled member runs.
struct CleanupGuard(Arc<AtomicUsize>);

impl Drop for CleanupGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A member that holds a cleanup guard, sleeps `millis`, then succeeds or fails.
async fn member(
    cleaned: Arc<AtomicUsize>,
    finished: Arc<AtomicUsize>,
    millis: u64,
    fail: bool,
) -> Result<u64, &'static str> {
    let _guard = CleanupGuard(cleaned);
    sleep(Duration::from_millis(millis)).await;
    if fail {
        return Err("member failed");
    }
    finished.fetch_add(1, Ordering::SeqCst);
    Ok(millis)
}

#[tokio::test(start_paused = true)]
async fn all_outputs_come_back_in_spawn_order() {
    let cleaned = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let mut group = TaskGroup::new();
    for millis in [300, 100, 200] {
        group.spawn(member(
            Arc::clone(&cleaned),
            Arc::clone(&finished),
            millis,
            false,
        ));
    }
    assert_eq!(group.len(), 3);
    let start = Instant::now();
    assert_eq!(group.join().await.expect("no failure"), [300, 100, 200]);
    assert_eq!(start.elapsed(), Duration::from_millis(300));
}

#[tokio::test(start_paused = true)]
async fn a_failing_member_cancels_its_siblings_after_their_cleanup() {
    let cleaned = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let mut group = TaskGroup::new();
    let spawn = |group: &mut TaskGroup<u64, &'static str>, millis, fail| {
        group.spawn(member(
            Arc::clone(&cleaned),
            Arc::clone(&finished),
            millis,
            fail,
        ))
    };
    spawn(&mut group, 1_000, false);
    spawn(&mut group, 5_000, false);
    let failing = spawn(&mut group, 1_500, true);
    spawn(&mut group, 9_000, false);

    let start = Instant::now();
    let error = group.join().await.expect_err("member 2 fails");
    assert!(
        matches!(error, TaskGroupError::Failed { index, error: "member failed" } if index == failing),
        "{error:?}"
    );
    assert_eq!(error.index(), 2);
    // The clock stopped at the failure: nobody waited for the 5 s and 9 s members.
    assert_eq!(start.elapsed(), Duration::from_millis(1_500));
    // Right when `join` returns, all four guards have dropped: one finished, one failed, two
    // were cancelled and cleaned up.
    assert_eq!(cleaned.load(Ordering::SeqCst), 4);
    assert_eq!(finished.load(Ordering::SeqCst), 1);
    sleep(Duration::from_secs(20)).await;
    assert_eq!(
        finished.load(Ordering::SeqCst),
        1,
        "the cancelled members never finished"
    );
}

#[tokio::test(start_paused = true)]
async fn a_panic_is_a_typed_error_and_cancels_the_rest() {
    let cleaned = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let mut group: TaskGroup<u64, &'static str> = TaskGroup::new();
    group.spawn(member(
        Arc::clone(&cleaned),
        Arc::clone(&finished),
        5_000,
        false,
    ));
    group.spawn(async {
        sleep(Duration::from_millis(200)).await;
        panic!("member 1 panics");
    });
    let start = Instant::now();
    let error = group.join().await.expect_err("member 1 panics");
    let TaskGroupError::TaskFailed(TaskFailed::Panicked { index: 1, payload }) = &error else {
        panic!("expected member 1's panic, got {error:?}");
    };
    assert_eq!(payload.message(), Some("member 1 panics"));
    assert_eq!(error.index(), 1);
    assert_eq!(error.to_string(), "task 1 panicked: member 1 panics");
    assert_eq!(start.elapsed(), Duration::from_millis(200));
    assert_eq!(cleaned.load(Ordering::SeqCst), 1);
    assert_eq!(finished.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn an_empty_group_joins_at_once() {
    let group: TaskGroup<(), &'static str> = TaskGroup::default();
    assert!(group.is_empty());
    let start = Instant::now();
    assert!(group.join().await.expect("nothing to fail").is_empty());
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn dropping_the_group_aborts_every_member() {
    let cleaned = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let mut group = TaskGroup::new();
    for _ in 0..3 {
        group.spawn(member(
            Arc::clone(&cleaned),
            Arc::clone(&finished),
            1_000,
            false,
        ));
    }
    let outcome = tokio::time::timeout(Duration::from_millis(500), group.join()).await;
    assert!(
        outcome.is_err(),
        "the timeout fires first and drops the group"
    );
    sleep(Duration::from_secs(5)).await;
    assert_eq!(finished.load(Ordering::SeqCst), 0);
    assert_eq!(cleaned.load(Ordering::SeqCst), 3);
}

#[test]
fn a_member_cancelled_from_outside_is_reported_as_cancelled_not_as_a_panic() {
    let error = after_its_tasks_runtime_shut_down(async {
        let mut group: TaskGroup<(), &'static str> = TaskGroup::new();
        group.spawn(std::future::pending());
        group.join().await
    })
    .expect_err("the member was cancelled");
    assert!(
        matches!(
            error,
            TaskGroupError::TaskFailed(TaskFailed::Cancelled { index: 0 })
        ),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn outputs_keep_spawn_order_for_many_members() {
    let mut group: TaskGroup<u64, &'static str> = TaskGroup::new();
    // 200 members finishing in a shuffled order (37 and 200 are coprime).
    for index in 0..200u64 {
        group.spawn(async move {
            sleep(Duration::from_millis((index * 37) % 200)).await;
            Ok(index)
        });
    }
    let start = Instant::now();
    let outputs = group.join().await.expect("no failure");
    assert_eq!(outputs, (0..200).collect::<Vec<_>>());
    assert_eq!(start.elapsed(), Duration::from_millis(199));
}
