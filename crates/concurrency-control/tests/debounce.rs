//! The debouncer (★ defect 7): the delayed call really runs, once, after the quiet period, with
//! the latest value; drop stops the task and shutdown flushes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use basics::config::MAX_DURATION;
use basics::{ConfigError, TaskFailed};
use concurrency_control::Debouncer;
use tokio::time::{Instant, sleep};

type Saves = Arc<Mutex<Vec<(u32, Duration)>>>;

fn recorder(
    start: Instant,
) -> (
    Saves,
    impl FnMut(u32) -> std::future::Ready<()> + Send + 'static,
) {
    let saves: Saves = Arc::default();
    let record = Arc::clone(&saves);
    let action = move |value| {
        record
            .lock()
            .expect("not poisoned")
            .push((value, start.elapsed()));
        std::future::ready(())
    };
    (saves, action)
}

#[tokio::test(start_paused = true)]
async fn a_burst_runs_the_action_once_after_the_quiet_period_with_the_latest_value() {
    let start = Instant::now();
    let (saves, action) = recorder(start);
    let debouncer = Debouncer::spawn(Duration::from_millis(300), action).expect("valid");
    for value in 1..=5 {
        debouncer.call(value);
        sleep(Duration::from_millis(100)).await;
    }
    sleep(Duration::from_secs(2)).await;
    // Last call at +0.4 s, quiet 0.3 s: it ran, once, at +0.7 s.
    assert_eq!(
        *saves.lock().expect("not poisoned"),
        [(5, Duration::from_millis(700))]
    );
}

#[tokio::test(start_paused = true)]
async fn separate_bursts_run_separately_and_silence_runs_nothing() {
    let start = Instant::now();
    let (saves, action) = recorder(start);
    let debouncer = Debouncer::spawn(Duration::from_millis(100), action).expect("valid");
    sleep(Duration::from_secs(1)).await;
    assert!(saves.lock().expect("not poisoned").is_empty());
    debouncer.call(1);
    sleep(Duration::from_millis(500)).await;
    debouncer.call(2);
    sleep(Duration::from_millis(500)).await;
    let ms = Duration::from_millis;
    assert_eq!(
        *saves.lock().expect("not poisoned"),
        [(1, ms(1_100)), (2, ms(1_600))]
    );
}

#[tokio::test(start_paused = true)]
async fn a_call_during_a_slow_action_waits_its_turn_and_is_not_lost() {
    let start = Instant::now();
    let runs: Saves = Arc::default();
    let record = Arc::clone(&runs);
    let debouncer = Debouncer::spawn(Duration::from_millis(100), move |value: u32| {
        let record = Arc::clone(&record);
        async move {
            sleep(Duration::from_millis(500)).await;
            record
                .lock()
                .expect("not poisoned")
                .push((value, start.elapsed()));
        }
    })
    .expect("valid");
    debouncer.call(1);
    sleep(Duration::from_millis(200)).await; // the action for 1 runs from +0.1 s to +0.6 s
    debouncer.call(2);
    sleep(Duration::from_secs(2)).await;
    let ms = Duration::from_millis;
    assert_eq!(
        *runs.lock().expect("not poisoned"),
        [(1, ms(600)), (2, ms(1_200))]
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_runs_a_pending_call_at_once() {
    let start = Instant::now();
    let (saves, action) = recorder(start);
    let debouncer = Debouncer::spawn(Duration::from_secs(10), action).expect("valid");
    debouncer.call(9);
    sleep(Duration::from_millis(50)).await;
    debouncer
        .shutdown()
        .await
        .expect("the action does not panic");
    assert_eq!(
        *saves.lock().expect("not poisoned"),
        [(9, Duration::from_millis(50))]
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_every_clone_stops_its_task() {
    let start = Instant::now();
    let (saves, action) = recorder(start);
    let debouncer = Debouncer::spawn(Duration::from_millis(100), action).expect("valid");
    let clone = debouncer.clone();
    drop(debouncer);
    assert!(clone.call(1));
    sleep(Duration::from_millis(200)).await;
    assert_eq!(
        *saves.lock().expect("not poisoned"),
        [(1, Duration::from_millis(100))],
        "a clone keeps the task"
    );
    assert!(clone.call(2));
    drop(clone);
    sleep(Duration::from_secs(1)).await;
    assert_eq!(
        *saves.lock().expect("not poisoned"),
        [(1, Duration::from_millis(100))],
        "the task was aborted: the pending call is lost"
    );
    // The action (and what it captured) was dropped with the task.
    assert_eq!(Arc::strong_count(&saves), 1);
}

#[tokio::test(start_paused = true)]
async fn a_clone_called_from_another_task_works_after_the_original_is_dropped() {
    let start = Instant::now();
    let (saves, action) = recorder(start);
    let debouncer = Debouncer::spawn(Duration::from_millis(100), action).expect("valid");
    let clone = debouncer.clone();
    drop(debouncer);
    tokio::spawn(async move {
        for value in 1..=3 {
            assert!(clone.call(value));
            sleep(Duration::from_millis(50)).await;
        }
        sleep(Duration::from_secs(1)).await; // the clone lives on while the action runs
    })
    .await
    .expect("the caller does not panic");
    assert_eq!(
        *saves.lock().expect("not poisoned"),
        [(3, Duration::from_millis(200))]
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_closes_every_clone() {
    let start = Instant::now();
    let (saves, action) = recorder(start);
    let debouncer = Debouncer::spawn(Duration::from_secs(10), action).expect("valid");
    let clone = debouncer.clone();
    assert!(clone.call(9));
    sleep(Duration::from_millis(50)).await;
    debouncer
        .shutdown()
        .await
        .expect("the action does not panic");
    assert_eq!(
        *saves.lock().expect("not poisoned"),
        [(9, Duration::from_millis(50))],
        "the clone's pending call ran at once"
    );
    assert!(!clone.call(10), "closed for the clone too");
    sleep(Duration::from_secs(20)).await;
    assert_eq!(saves.lock().expect("not poisoned").len(), 1);
    let again = Instant::now();
    clone.shutdown().await.expect("the action does not panic");
    assert_eq!(again.elapsed(), Duration::ZERO, "already stopped");
}

#[tokio::test(start_paused = true)]
async fn shutdown_reports_a_panicking_action_once() {
    let _quiet = testing::QuietPanics::new();
    let debouncer = Debouncer::spawn(Duration::from_millis(10), |_: u32| async {
        panic!("the save has a bug")
    })
    .expect("valid");
    let clone = debouncer.clone();
    assert!(debouncer.call(1));
    sleep(Duration::from_millis(20)).await;
    assert!(!debouncer.call(2), "the task stopped at the panic");
    let Err(TaskFailed::Panicked { index: 0, payload }) = debouncer.shutdown().await else {
        panic!("the panic is reported");
    };
    assert_eq!(payload.message(), Some("the save has a bug"));
    assert!(clone.shutdown().await.is_ok(), "reported once");
}

#[tokio::test(start_paused = true)]
async fn a_quiet_period_of_zero_or_past_a_year_is_a_config_error() {
    let start = Instant::now();
    let (_, action) = recorder(start);
    assert_eq!(
        Debouncer::spawn(Duration::ZERO, action).err(),
        Some(ConfigError::Zero { name: "quiet" })
    );
    let (_, action) = recorder(start);
    assert_eq!(
        Debouncer::spawn(Duration::MAX, action).err(),
        Some(ConfigError::TooLong {
            name: "quiet",
            value: Duration::MAX,
            max: MAX_DURATION
        })
    );
}
