//! Error aggregation: a panic, a cancellation and an application error are told apart.

use std::time::Duration;

use errors_timeouts::{Group, TaskFailure};
use tokio::time::sleep;

#[tokio::test(start_paused = true)]
async fn panic_cancellation_and_application_error_are_told_apart() {
    let mut group: Group<u32, String> = Group::new();
    group.spawn(async { Ok(1) });
    group.spawn(async { Err("bad input".to_string()) });
    group.spawn(async {
        sleep(Duration::from_millis(10)).await;
        panic!("a bug")
    });
    let slow = group.spawn(async {
        sleep(Duration::from_secs(60)).await;
        Ok(4)
    });
    slow.abort();
    let errors = group.join().await.expect_err("three members fail");
    assert_eq!(
        errors.failures,
        [
            (1, TaskFailure::Failed("bad input".to_string())),
            (2, TaskFailure::Panicked("a bug".to_string())),
            (3, TaskFailure::Cancelled),
        ]
    );
    assert_eq!(errors.panics(), 1);
    assert_eq!(errors.cancellations(), 1);
    assert_eq!(
        errors.application_errors().collect::<Vec<_>>(),
        [(1, &"bad input".to_string())]
    );
    assert_eq!(
        errors.to_string(),
        "3 task(s) failed; task 1 failed: bad input; task 2 panicked: a bug; task 3 cancelled"
    );
}

#[tokio::test(start_paused = true)]
async fn values_come_back_in_spawn_order() {
    let mut group: Group<u64, ()> = Group::new();
    for ms in [300u64, 100, 200] {
        group.spawn(async move {
            sleep(Duration::from_millis(ms)).await;
            Ok(ms)
        });
    }
    assert_eq!(group.join().await, Ok(vec![300, 100, 200]));
}

#[tokio::test(start_paused = true)]
async fn an_empty_group_joins_at_once() {
    assert_eq!(Group::<u8, u8>::new().join().await, Ok(vec![]));
}

#[tokio::test(start_paused = true)]
async fn a_formatted_panic_message_is_kept() {
    let joined = tokio::spawn(async {
        let n = 7;
        if n == 7 {
            panic!("bad value {n}");
        }
        Ok::<u8, ()>(n)
    })
    .await;
    assert_eq!(
        TaskFailure::classify(joined),
        Err(TaskFailure::Panicked("bad value 7".into()))
    );
}
