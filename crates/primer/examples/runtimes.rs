//! Runtimes and flavors: on a current-thread runtime two tasks interleave only where they
//! `yield_now().await` (asyncio's `await asyncio.sleep(0)`); without it each runs to its end. Then
//! a runtime of each flavor says what it is.
//!
//! Run: `cargo run -p primer --example runtimes`
//!
//! Expected output (the golden transcript `runtimes.txt` beside this file):
//! ```text
//! [+0.000s] with yield_now:
//! [+0.000s] task a: step 1
//! [+0.000s] task b: step 1
//! ...
//! ```

use primer::runtimes;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let note = t.line_writer();
    t.line("with yield_now:");
    runtimes::interleave(true, note.clone()).await;
    t.line("without:");
    runtimes::interleave(false, note).await;
    // Building and blocking on a runtime is synchronous work: off this runtime's thread.
    let flavors = tokio::task::spawn_blocking(|| runtimes::flavors(2)).await??;
    for (flavor, workers) in flavors {
        let noun = if workers == 1 { "worker" } else { "workers" };
        t.line(format!("a {flavor} runtime: {workers} {noun}"));
    }
    Ok(())
}
