//! A coroutine is a future, an asyncio `Task` is a spawned task: a future does nothing until it
//! is awaited, and only [`tokio::spawn`] starts one running on its own.
//!
//! The narrative (Python, Rust, differences, pitfalls) is the primer's section
//! [Coroutines are futures, Tasks are spawned tasks](../../../book/primer.html#coroutines-are-futures-tasks-are-spawned-tasks).

use std::time::Duration;

use tokio::task::JoinError;
use tokio::time::sleep;

use crate::Note;

// ANCHOR: fetch
/// A stand-in for an I/O call: notes when it starts, waits `took`, notes when it is done and
/// returns `id * 10`.
///
/// # Cancel safety
/// Dropped at its `.await`, it has noted its start and never notes its end; nothing else is lost.
pub async fn fetch(id: u32, took: Duration, note: impl Note) -> u32 {
    note(format!("fetch {id} starts"));
    sleep(took).await;
    note(format!("fetch {id} done"));
    id * 10
}
// ANCHOR_END: fetch

/// The section's scenario: a future built and awaited 200 ms later starts only then; a future
/// handed to [`tokio::spawn`] starts at the spawner's next `.await` and runs while the spawner
/// sleeps. Returns both results.
///
/// # Errors
/// The [`JoinError`] of the spawned fetch, which cannot panic and is never aborted, so only a
/// runtime shutting down under it would give one.
///
/// # Cancel safety
/// Dropped while it waits, the spawned fetch runs on (its handle is dropped, which detaches it).
pub async fn lazy_then_spawned(note: impl Note) -> Result<(u32, u32), JoinError> {
    // ANCHOR: lazy
    let future = fetch(1, Duration::from_millis(100), note.clone());
    note("future built: nothing has run".to_owned());
    sleep(Duration::from_millis(200)).await;
    note("awaiting it now".to_owned());
    let first = future.await;
    // ANCHOR_END: lazy

    // ANCHOR: spawned
    let handle = tokio::spawn(fetch(2, Duration::from_millis(100), note.clone()));
    note("spawned: the task starts at our next .await".to_owned());
    sleep(Duration::from_millis(200)).await;
    note("back from our own sleep; the task finished meanwhile".to_owned());
    let second = handle.await?;
    // ANCHOR_END: spawned
    Ok((first, second))
}
