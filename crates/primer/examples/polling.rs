//! Polling and wakers: a future written by hand is polled once, stores the waker and says
//! `Pending`; half a second later another task opens the gate and wakes it; the second poll is
//! `Ready`. Two polls, however long the wait: nothing polls a future that nobody wakes.
//!
//! Run: `cargo run -p primer --example polling`
//!
//! Expected output (the golden transcript `polling.txt` beside this file):
//! ```text
//! [+0.000s] waiter: awaiting the gate
//! [+0.000s] poll 1 -> Pending, waker stored
//! [+0.500s] poll 2 -> Ready
//! ...
//! ```

use std::time::Duration;

use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let note = t.line_writer();
    let polls = primer::polling::wait_for_gate(Duration::from_millis(500), note).await;
    t.line(format!("{polls} polls in 0.5 s"));
    Ok(())
}
