//! Forgotten `.await`: the unawaited future never runs; the detached task runs unobserved; the
//! awaited save and the kept handle are done when they return.

use std::time::Duration;

use pitfalls::forgotten_await::{self, SAVE_TIME, Store};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn a_future_bound_to_a_name_and_dropped_never_runs() {
    let store = Store::new();
    let start = Instant::now();
    forgotten_await::save_forgotten(&store, "order 1").await;
    assert_eq!(start.elapsed(), Duration::ZERO, "it returned at once");
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(
        store.saved().is_empty(),
        "a minute later, still nothing saved"
    );
}

#[tokio::test(start_paused = true)]
async fn an_awaited_save_is_done_when_it_returns() {
    let store = Store::new();
    let start = Instant::now();
    forgotten_await::save(&store, "order 1").await;
    assert_eq!(start.elapsed(), SAVE_TIME);
    assert_eq!(store.saved(), ["order 1"]);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_join_handle_detaches_the_task_which_runs_unobserved() {
    let store = Store::new();
    forgotten_await::save_detached(&store, "order 2");
    assert!(
        store.saved().is_empty(),
        "the caller returned before the save"
    );
    tokio::time::sleep(SAVE_TIME * 2).await;
    assert_eq!(store.saved(), ["order 2"], "the task ran on, detached");
}

#[tokio::test(start_paused = true)]
async fn a_kept_handle_reports_when_the_task_ended() {
    let store = Store::new();
    let start = Instant::now();
    let handle = forgotten_await::spawn_save(&store, "order 3");
    assert!(handle.await.is_ok(), "the save does not panic");
    assert_eq!(start.elapsed(), SAVE_TIME);
    assert_eq!(store.saved(), ["order 3"]);
}
