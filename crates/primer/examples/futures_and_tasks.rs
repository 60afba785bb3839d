//! Coroutines are futures, Tasks are spawned tasks: a future built and awaited 200 ms later starts
//! only then; a spawned one starts at the spawner's next `.await` and runs while it sleeps.
//!
//! Run: `cargo run -p primer --example futures_and_tasks`
//!
//! Expected output (the golden transcript `futures_and_tasks.txt` beside this file):
//! ```text
//! [+0.000s] future built: nothing has run
//! [+0.200s] awaiting it now
//! [+0.200s] fetch 1 starts
//! ...
//! ```

use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let note = t.line_writer();
    let (first, second) = primer::futures_and_tasks::lazy_then_spawned(note).await?;
    t.line(format!("results: {first} and {second}"));
    Ok(())
}
