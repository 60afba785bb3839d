//! `select!` and cancellation by drop: the branch that loses is dropped at the `.await` where it
//! was suspended. Nothing after that `.await` runs; only `Drop` does. A spawned task is different:
//! dropping its `JoinHandle` detaches it, and `abort()` is what cancels it.
//!
//! The narrative is the primer's section
//! [select! and cancellation by drop](../../../book/primer.html#select-and-cancellation-by-drop).

use std::time::Duration;

use tokio::time::sleep;

use crate::Note;

/// Notes `dropped: NAME` when it is dropped: the one piece of code that runs when a future is
/// cancelled, the counterpart of a `finally:` block (which it is not: it cannot `.await`).
#[derive(Debug)]
#[must_use = "a guard notes its drop; dropping it at once notes at once"]
pub struct DropNote<N: Note> {
    name: &'static str,
    note: N,
}

impl<N: Note> DropNote<N> {
    /// A guard named `name`.
    pub fn new(name: &'static str, note: N) -> DropNote<N> {
        DropNote { name, note }
    }
}

impl<N: Note> Drop for DropNote<N> {
    fn drop(&mut self) {
        (self.note)(format!("dropped: {}", self.name));
    }
}

// ANCHOR: download
/// A download that takes `took`: notes its start, holds a [`DropNote`] while it waits, notes its
/// end. Returns its size in bytes.
///
/// # Cancel safety
/// Dropped at its `.await`, the download is abandoned: the guard notes the drop and the end is
/// never noted.
pub async fn download(name: &'static str, took: Duration, note: impl Note) -> u64 {
    let _guard = DropNote::new(name, note.clone());
    note(format!("{name}: started"));
    sleep(took).await;
    note(format!("{name}: finished"));
    1024
}
// ANCHOR_END: download

// ANCHOR: race
/// `select!` a download against a timeout: the first branch to finish wins and the other is
/// dropped where it stands. Returns the size, or `None` when the timeout won.
///
/// # Cancel safety
/// Dropped at its `.await`, both branches are dropped; the download's guard notes it.
pub async fn with_timeout(took: Duration, limit: Duration, note: impl Note) -> Option<u64> {
    tokio::select! {
        size = download("download", took, note.clone()) => Some(size),
        () = sleep(limit) => {
            note("timeout won; the download was dropped before this line".to_owned());
            None
        }
    }
}
// ANCHOR_END: race

// ANCHOR: tasks
/// A spawned task outlives its dropped handle; `abort()` cancels it. Spawns two downloads of
/// `took`, drops the first handle, aborts the second after `abort_after`, then waits `took` so the
/// detached one can finish. Returns whether the aborted task reported itself cancelled.
///
/// # Cancel safety
/// Dropped at an `.await`, the detached download still runs to its end.
pub async fn detach_and_abort(took: Duration, abort_after: Duration, note: impl Note) -> bool {
    drop(tokio::spawn(download("detached", took, note.clone())));
    let aborted = tokio::spawn(download("aborted", took, note.clone()));
    sleep(abort_after).await;
    aborted.abort();
    let cancelled = aborted.await.is_err_and(|error| error.is_cancelled());
    note(format!("aborted task: cancelled = {cancelled}"));
    sleep(took).await;
    cancelled
}
// ANCHOR_END: tasks
