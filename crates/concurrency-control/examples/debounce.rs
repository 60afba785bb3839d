//! Debounce: a burst of 5 edits, 0.1 s apart, saved once, 0.3 s after the last edit; a later
//! edit is saved on its own; shutdown saves a pending edit at once.
//!
//! Run: `cargo run --example debounce`
//!
//! Expected output (the golden transcript `debounce.txt` beside this file): "hello" saved at
//! +0.750s (0.3 s of quiet after the last edit, plus the 50 ms save), "hello!" at +1.350s, and
//! "bye" saved at shutdown instead of being lost.

use std::time::Duration;

use concurrency_control::Debouncer;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let saver = t.clone();
    let debouncer = Debouncer::spawn(Duration::from_millis(300), move |text: String| {
        let t = saver.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(50)).await; // the save itself
            t.line(format!("saved {text:?}"));
        }
    })?;
    for text in ["h", "he", "hel", "hell", "hello"] {
        t.line(format!("edit {text:?}"));
        debouncer.call(text.to_owned());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    t.line("edit \"hello!\"");
    debouncer.call("hello!".to_owned());
    tokio::time::sleep(Duration::from_secs(1)).await;
    t.line("edit \"bye\", then shut down");
    debouncer.call("bye".to_owned());
    debouncer.shutdown().await?; // saves the pending edit now instead of losing it
    t.line("debouncer stopped");
    // ANCHOR_END: main
    Ok(())
}
