//! Keeping a reference to your task: a task whose handle is dropped at once still finishes (the
//! runtime owns it); tasks owned by a `JoinSet` are aborted when the set is dropped; a task still
//! running when its runtime shuts down is dropped, never finished.
//!
//! Run: `cargo run -p primer --example task_references`
//!
//! Expected output (the golden transcript `task_references.txt` beside this file):
//! ```text
//! [+0.000s] handle dropped; nothing references the task
//! [+0.000s] fire-and-forget: started
//! [+0.200s] fire-and-forget: finished
//! ...
//! ```

use std::time::Duration;

use primer::task_references;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let note = t.line_writer();
    task_references::detached_still_runs(
        Duration::from_millis(200),
        Duration::from_millis(300),
        note.clone(),
    )
    .await;
    let finished =
        task_references::owned_by_a_set(Duration::from_secs(1), Duration::from_millis(300), note)
            .await;
    t.line(format!("{finished} of the set's tasks had finished"));
    // A runtime of its own, built and shut down in synchronous code: off this runtime's thread.
    let leftover = tokio::task::spawn_blocking(task_references::leftover_at_shutdown).await??;
    t.line(format!(
        "a task left running at shutdown: started {}, finished {}, dropped {}",
        leftover.started, leftover.finished, leftover.dropped
    ));
    Ok(())
}
