//! Error aggregation: a panic, a cancellation and an application error are told apart.

use std::time::Duration;

use basics::{IndexedJoinSet, TaskFailed};
use errors_timeouts::{Failure, join_classified};
use testing::QuietPanics;
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn panic_cancellation_and_application_error_are_told_apart() {
    let quiet = QuietPanics::new();
    let mut set: IndexedJoinSet<Result<u32, String>> = IndexedJoinSet::new();
    set.spawn(async { Ok(1) });
    set.spawn(async { Err("bad input".to_string()) });
    set.spawn(async {
        sleep(Duration::from_millis(10)).await;
        panic!("a bug")
    });
    set.spawn(async {
        sleep(Duration::from_secs(60)).await;
        Ok(4)
    });
    // Shutdown at +0.5 s aborts what is still running: task 3 only.
    sleep(Duration::from_millis(500)).await;
    set.abort_all();
    let start = Instant::now();
    let errors = join_classified(set).await.expect_err("three tasks fail");
    drop(quiet);
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "the aborted task stops at once"
    );
    let indices: Vec<usize> = errors.failures.iter().map(Failure::index).collect();
    assert_eq!(indices, [1, 2, 3]);
    assert!(
        matches!(&errors.failures[0], Failure::Error { index: 1, error } if error == "bad input")
    );
    let Failure::Task(TaskFailed::Panicked { payload, .. }) = &errors.failures[1] else {
        panic!("task 2 panicked: {:?}", errors.failures[1]);
    };
    assert_eq!(payload.message(), Some("a bug"));
    assert!(matches!(
        errors.failures[2],
        Failure::Task(TaskFailed::Cancelled { index: 3 })
    ));
    assert_eq!(errors.panics(), 1);
    assert_eq!(errors.cancellations(), 1);
    assert_eq!(
        errors.application_errors().collect::<Vec<_>>(),
        [(1, &"bad input".to_string())]
    );
    assert_eq!(
        errors.to_string(),
        "3 task(s) failed; task 1 failed: bad input; task 2 panicked: a bug; task 3 was cancelled"
    );
}

#[tokio::test(start_paused = true)]
async fn values_come_back_in_spawn_order() {
    let mut set: IndexedJoinSet<Result<u64, ()>> = IndexedJoinSet::new();
    for ms in [300u64, 100, 200] {
        set.spawn(async move {
            sleep(Duration::from_millis(ms)).await;
            Ok(ms)
        });
    }
    let start = Instant::now();
    assert_eq!(join_classified(set).await.ok(), Some(vec![300, 100, 200]));
    assert_eq!(start.elapsed(), Duration::from_millis(300));
}

#[tokio::test(start_paused = true)]
async fn an_empty_set_joins_at_once() {
    let set: IndexedJoinSet<Result<u8, u8>> = IndexedJoinSet::new();
    assert_eq!(join_classified(set).await.ok(), Some(vec![]));
}

#[tokio::test(start_paused = true)]
async fn a_formatted_panic_message_is_kept_and_can_be_re_raised() {
    let quiet = QuietPanics::new();
    let mut set: IndexedJoinSet<Result<u8, ()>> = IndexedJoinSet::new();
    set.spawn(async {
        let n = 7;
        if n == 7 {
            panic!("bad value {n}");
        }
        Ok(n)
    });
    let mut errors = join_classified(set).await.expect_err("the task panics");
    let Some(Failure::Task(TaskFailed::Panicked { payload, .. })) = errors.failures.pop() else {
        panic!("a panic is a TaskFailed::Panicked");
    };
    assert_eq!(payload.message(), Some("bad value 7"));
    let raised = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| payload.resume()));
    drop(quiet);
    let raised = raised.expect_err("resume re-raises the panic");
    assert_eq!(
        raised.downcast_ref::<String>().map(String::as_str),
        Some("bad value 7")
    );
}
