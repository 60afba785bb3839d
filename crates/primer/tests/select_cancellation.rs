//! `select!` drops the losing branch at its `.await`; a dropped handle detaches, `abort` cancels.

use primer::select_cancellation::{detach_and_abort, with_timeout};
use testing::{Transcript, ms};
use tokio::time::Instant;

fn note(t: &Transcript) -> impl primer::Note {
    let t = t.clone();
    move |line: String| t.line(line)
}

#[tokio::test(start_paused = true)]
async fn the_loser_is_dropped_where_it_waits_and_its_end_never_runs() {
    let t = Transcript::in_memory();
    let start = Instant::now();
    assert_eq!(with_timeout(ms(1_000), ms(300), note(&t)).await, None);
    assert_eq!(start.elapsed(), ms(300));
    assert_eq!(
        t.lines(),
        [
            "[+0.000s] download: started",
            "[+0.300s] dropped: download",
            "[+0.300s] timeout won; the download was dropped before this line",
        ]
    );
    // In time, the download wins and the timer is the one dropped.
    assert_eq!(with_timeout(ms(100), ms(300), |_| {}).await, Some(1024));
}

#[tokio::test(start_paused = true)]
async fn a_detached_task_finishes_and_an_aborted_one_does_not() {
    let t = Transcript::in_memory();
    assert!(detach_and_abort(ms(1_000), ms(300), note(&t)).await);
    let lines = t.lines();
    assert!(
        lines.contains(&"[+1.000s] detached: finished".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"[+0.300s] dropped: aborted".to_owned()),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("aborted: finished")),
        "{lines:?}"
    );
}
