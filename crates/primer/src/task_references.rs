//! Where asyncio's "keep a reference to your task" hazard goes. The event loop holds only weak
//! references to tasks, so a task nobody references can be garbage-collected mid-flight. Tokio's
//! runtime owns every spawned task: a dropped `JoinHandle` detaches, the task runs on. The hazard
//! that remains is the opposite one: a detached task nobody waits for, whose failure nobody sees,
//! and which is dropped, not awaited, when the runtime shuts down. Owning tasks in a `JoinSet`
//! answers both.
//!
//! The narrative is the primer's section
//! [Keeping a reference to your task](../../../book/primer.html#keeping-a-reference-to-your-task).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::runtime::Builder;
use tokio::task::JoinSet;
use tokio::time::sleep;

use crate::Note;
use crate::select_cancellation::download;

// ANCHOR: detached
/// Spawns a download of `took` and drops its handle at once, then spends `busy` (longer than
/// `took`) on other work: the detached task finishes meanwhile, because the runtime owns it.
///
/// # Cancel safety
/// Dropped at its `.await`, the detached task still finishes.
pub async fn detached_still_runs(took: Duration, busy: Duration, note: impl Note) {
    drop(tokio::spawn(download(
        "fire-and-forget",
        took,
        note.clone(),
    )));
    note("handle dropped; nothing references the task".to_owned());
    sleep(busy).await;
}
// ANCHOR_END: detached

// ANCHOR: owned
/// Two downloads of `took` owned by a `JoinSet`, which is dropped after `drop_after`: dropping the
/// set aborts its tasks, so nothing outlives its owner. Returns how many had finished (none, when
/// `drop_after < took`).
///
/// # Cancel safety
/// Dropped at its `.await`, the set is dropped and its tasks aborted.
pub async fn owned_by_a_set(took: Duration, drop_after: Duration, note: impl Note) -> usize {
    let mut set = JoinSet::new();
    set.spawn(download("owned 1", took, note.clone()));
    set.spawn(download("owned 2", took, note.clone()));
    sleep(drop_after).await;
    let finished = std::iter::from_fn(|| set.try_join_next()).count();
    note(format!("dropping the set with {} tasks", set.len()));
    drop(set);
    // Aborted tasks are dropped by the runtime at its next turn: give it one.
    tokio::task::yield_now().await;
    finished
}
// ANCHOR_END: owned

/// What became of a task still running when its runtime shut down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leftover {
    /// It started (it was polled at least once).
    pub started: bool,
    /// It ran past its `.await` to its end.
    pub finished: bool,
    /// Its future was dropped (its `Drop` guards ran).
    pub dropped: bool,
}

// ANCHOR: leftover
/// A fresh current-thread runtime whose `main` spawns a task that sleeps an hour, lets it start,
/// and returns: the runtime shuts down under the task. Returns what became of it: started,
/// dropped, never finished. `asyncio.run` instead cancels leftover tasks and then awaits them,
/// so their `finally:` blocks can still `await`; a tokio task only gets its `Drop`.
///
/// Call it from synchronous code (see [`runtimes::flavors`](crate::runtimes::flavors)).
///
/// # Errors
/// When the operating system refuses the runtime its I/O driver.
pub fn leftover_at_shutdown() -> std::io::Result<Leftover> {
    let started = Arc::new(AtomicBool::new(false));
    let finished = Arc::new(AtomicBool::new(false));
    let dropped = Arc::new(AtomicBool::new(false));
    let runtime = Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let (started, finished, dropped) = (started.clone(), finished.clone(), dropped.clone());
        drop(tokio::spawn(async move {
            let _guard = SetOnDrop(dropped);
            started.store(true, Ordering::SeqCst);
            sleep(Duration::from_secs(3600)).await;
            finished.store(true, Ordering::SeqCst);
        }));
        // One turn for the task to start; then `main` returns.
        tokio::task::yield_now().await;
    });
    drop(runtime);
    Ok(Leftover {
        started: started.load(Ordering::SeqCst),
        finished: finished.load(Ordering::SeqCst),
        dropped: dropped.load(Ordering::SeqCst),
    })
}
// ANCHOR_END: leftover

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}
