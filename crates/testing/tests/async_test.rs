//! Async tests: what each `#[tokio::test]` flavor lets a test do.

use std::rc::Rc;
use std::time::Duration;

use testing::async_test::{flavor, paused_clock_builds_on, task_runs_during_a_block};
use tokio::runtime::RuntimeFlavor;
use tokio::time::Instant;

// ANCHOR: flavors
#[tokio::test]
async fn the_default_flavor_is_current_thread() {
    assert_eq!(flavor(), Some("current_thread"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_thread_runs_spawned_tasks_on_worker_threads() {
    assert_eq!(flavor(), Some("multi_thread"));
    let test_thread = std::thread::current().id();
    let worker_thread = tokio::spawn(async { std::thread::current().id() })
        .await
        .expect("the task does not panic");
    assert_ne!(worker_thread, test_thread);
}
// ANCHOR_END: flavors

// ANCHOR: not_send
#[tokio::test]
async fn a_non_send_value_lives_in_the_body_and_in_spawn_local() {
    // The body is `block_on`ed on the test's thread, so it may hold an `Rc` across `.await`.
    let shared = Rc::new(41);
    tokio::task::yield_now().await;
    // `tokio::spawn(async move { shared })` would not compile (`Rc` is not `Send`) on any
    // flavor; a `LocalSet` runs `!Send` tasks on this thread.
    let local = tokio::task::LocalSet::new();
    let answer = local
        .run_until(async move {
            tokio::task::spawn_local(async move { *shared + 1 })
                .await
                .expect("the task does not panic")
        })
        .await;
    assert_eq!(answer, 42);
}
// ANCHOR_END: not_send

// ANCHOR: paused
#[tokio::test(start_paused = true)]
async fn start_paused_makes_an_hour_take_no_time() {
    let start = Instant::now();
    tokio::time::sleep(Duration::from_secs(3_600)).await;
    assert_eq!(start.elapsed(), Duration::from_secs(3_600));
}

#[test]
fn the_paused_clock_needs_current_thread() {
    assert!(paused_clock_builds_on(RuntimeFlavor::CurrentThread));
    // The attribute refuses the pair earlier: `#[tokio::test(flavor = "multi_thread",
    // start_paused = true)]` is a compile error ("requires the `current_thread` runtime flavor").
    assert!(!paused_clock_builds_on(RuntimeFlavor::MultiThread));
}
// ANCHOR_END: paused

// ANCHOR: blocking
#[tokio::test]
async fn a_blocking_call_freezes_everything_on_current_thread() {
    // 20 ms of real time in which the spawned task cannot run: its only thread is blocked.
    assert!(!task_runs_during_a_block(Duration::from_millis(20)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_call_holds_one_thread_on_multi_thread() {
    // A worker runs the task while this thread is blocked; the wait ends at its answer.
    assert!(task_runs_during_a_block(Duration::from_secs(5)));
}
// ANCHOR_END: blocking
