//! The runtime owns spawned tasks: a dropped handle detaches; a dropped `JoinSet` aborts; a
//! runtime that shuts down drops what still runs.

use primer::task_references::{
    Leftover, detached_still_runs, leftover_at_shutdown, owned_by_a_set,
};
use testing::{Transcript, ms};
use tokio::time::Instant;

fn note(t: &Transcript) -> impl primer::Note {
    let t = t.clone();
    move |line: String| t.line(line)
}

#[tokio::test(start_paused = true)]
async fn a_task_without_a_reference_still_finishes() {
    let t = Transcript::in_memory();
    detached_still_runs(ms(200), ms(300), note(&t)).await;
    assert!(
        t.lines()
            .contains(&"[+0.200s] fire-and-forget: finished".to_owned())
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_the_set_aborts_its_tasks() {
    let t = Transcript::in_memory();
    let start = Instant::now();
    assert_eq!(owned_by_a_set(ms(1_000), ms(300), note(&t)).await, 0);
    assert_eq!(start.elapsed(), ms(300));
    tokio::time::sleep(ms(2_000)).await;
    assert!(
        !t.lines().iter().any(|l| l.contains("finished")),
        "{:?}",
        t.lines()
    );
    // Given the time, both finish before the set is dropped.
    assert_eq!(owned_by_a_set(ms(100), ms(300), |_| {}).await, 2);
}

#[test]
fn a_leftover_task_is_dropped_at_shutdown_not_finished() {
    assert_eq!(
        leftover_at_shutdown().ok(),
        Some(Leftover {
            started: true,
            finished: false,
            dropped: true
        })
    );
}
