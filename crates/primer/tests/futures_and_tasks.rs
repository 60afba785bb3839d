//! A future runs only when awaited; a spawned task runs on its own from the spawner's next
//! `.await`.

use std::time::Duration;

use primer::futures_and_tasks::{fetch, lazy_then_spawned};
use testing::{Transcript, ms};
use tokio::time::Instant;

fn note(t: &Transcript) -> impl primer::Note {
    let t = t.clone();
    move |line: String| t.line(line)
}

#[tokio::test(start_paused = true)]
async fn a_future_that_is_never_awaited_never_runs() {
    let t = Transcript::in_memory();
    let future = fetch(1, ms(100), note(&t));
    tokio::time::sleep(Duration::from_secs(1)).await;
    drop(future);
    assert!(t.lines().is_empty(), "{:?}", t.lines());
}

#[tokio::test(start_paused = true)]
async fn the_built_future_starts_when_awaited_and_the_spawned_one_at_once() {
    let t = Transcript::in_memory();
    let start = Instant::now();
    assert_eq!(lazy_then_spawned(note(&t)).await.ok(), Some((10, 20)));
    assert_eq!(start.elapsed(), ms(500));
    assert_eq!(
        t.lines(),
        [
            "[+0.000s] future built: nothing has run",
            "[+0.200s] awaiting it now",
            "[+0.200s] fetch 1 starts",
            "[+0.300s] fetch 1 done",
            "[+0.300s] spawned: the task starts at our next .await",
            "[+0.300s] fetch 2 starts",
            "[+0.400s] fetch 2 done",
            "[+0.500s] back from our own sleep; the task finished meanwhile",
        ]
    );
}
