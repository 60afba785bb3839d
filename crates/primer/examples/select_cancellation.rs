//! select! and cancellation by drop: a 1 s download loses to a 0.3 s timeout and is dropped where
//! it waits (its guard notes the drop; its last line never runs); a spawned download outlives its
//! dropped handle, and `abort()` cancels another.
//!
//! Run: `cargo run -p primer --example select_cancellation`
//!
//! Expected output (the golden transcript `select_cancellation.txt` beside this file):
//! ```text
//! [+0.000s] download: started
//! [+0.300s] dropped: download
//! [+0.300s] timeout won; the download was dropped before this line
//! ...
//! ```

use std::time::Duration;

use primer::select_cancellation;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let note = t.line_writer();
    let second = Duration::from_secs(1);
    select_cancellation::with_timeout(second, Duration::from_millis(300), note.clone()).await;
    t.line("now two spawned downloads of 1 s");
    select_cancellation::detach_and_abort(second, Duration::from_millis(300), note).await;
    Ok(())
}
