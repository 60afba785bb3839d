//! Runtimes and flavors: a runtime is a value with a scheduler. The current-thread flavor runs
//! every task on one thread, as asyncio's event loop does, so a task gives the others a turn only
//! at an `.await` that suspends; [`tokio::task::yield_now`] is `await asyncio.sleep(0)`. The
//! multi-thread flavor runs tasks on a pool of worker threads.
//!
//! The narrative is the primer's section
//! [Runtimes and flavors](../../../book/primer.html#runtimes-and-flavors).

use std::sync::{Arc, Mutex, PoisonError};

use tokio::runtime::{Builder, RuntimeFlavor};

use crate::Note;

// ANCHOR: interleave
/// Two tasks of three steps each on the current task's runtime. With `yield_between`, each step
/// ends with `yield_now().await`, the task gives way, and the steps interleave (on a
/// current-thread runtime: `a1 b1 b2 a2 a3 b3`; which ready task goes next is the scheduler's
/// choice, not a strict alternation). Without it a task never suspends and runs to its end before
/// the other starts (`a1 a2 a3 b1 b2 b3`). Returns the steps in the order they ran.
///
/// # Cancel safety
/// Dropped at its `.await`, both tasks are aborted (they live in a `JoinSet`).
pub async fn interleave(yield_between: bool, note: impl Note) -> Vec<String> {
    let steps = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = tokio::task::JoinSet::new();
    for name in ["a", "b"] {
        let steps = Arc::clone(&steps);
        let note = note.clone();
        tasks.spawn(async move {
            for step in 1..=3 {
                let label = format!("{name}{step}");
                note(format!("task {name}: step {step}"));
                steps
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(label);
                if yield_between {
                    tokio::task::yield_now().await;
                }
            }
        });
    }
    // The tasks cannot panic; joining them only waits.
    while tasks.join_next().await.is_some() {}
    // A std mutex: held for a push, never across an `.await`; poison is ignored (the list is
    // consistent at every point a panic could happen).
    steps.lock().unwrap_or_else(PoisonError::into_inner).clone()
}
// ANCHOR_END: interleave

// ANCHOR: flavors
/// Builds a runtime of each flavor the way `#[tokio::main]` does and asks it, from inside, what it
/// is: `("CurrentThread", 1)` and `("MultiThread", workers)`.
///
/// Call it from plain synchronous code (a `main`, a `#[test]`, or `spawn_blocking`): building a
/// runtime is allowed anywhere, but blocking on one from inside an async task panics.
///
/// # Errors
/// When the operating system refuses a thread or an I/O driver.
pub fn flavors(workers: usize) -> std::io::Result<[(String, usize); 2]> {
    let current = Builder::new_current_thread().enable_all().build()?;
    let multi = Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()?;
    let ask = || async {
        let handle = tokio::runtime::Handle::current();
        let flavor = match handle.runtime_flavor() {
            RuntimeFlavor::CurrentThread => "CurrentThread",
            RuntimeFlavor::MultiThread => "MultiThread",
            _ => "another flavor",
        };
        (flavor.to_owned(), handle.metrics().num_workers())
    };
    Ok([current.block_on(ask()), multi.block_on(ask())])
}
// ANCHOR_END: flavors
