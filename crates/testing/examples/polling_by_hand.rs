//! Polling by hand: a hand-written future polled one step at a time with `tokio_test`, and the
//! waker check that catches a future which forgets to register.
//!
//! Run: `cargo run --example polling_by_hand`
//!
//! Expected output (the golden transcript `polling_by_hand.txt` beside this file):
//! ```text
//! [+0.000s] wait(): first poll Pending, woken: false
//! ...
//! ```

use std::task::Poll;

use testing::{Latch, Transcript};
use tokio_test::task;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

fn show(poll: Poll<()>) -> &'static str {
    if poll.is_ready() { "Ready" } else { "Pending" }
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    for (name, forgetful) in [("wait()", false), ("wait_forgetful()", true)] {
        let latch = Latch::new();
        let future = if forgetful {
            latch.wait_forgetful()
        } else {
            latch.wait()
        };
        let mut wait = task::spawn(future);
        let first = show(wait.poll());
        t.line(format!(
            "{name}: first poll {first}, woken: {}",
            wait.is_woken()
        ));
        latch.open();
        t.line(format!("{name}: latch opened, woken: {}", wait.is_woken()));
        t.line(format!("{name}: second poll {}", show(wait.poll())));
    }
    // ANCHOR_END: main
    Ok(())
}
