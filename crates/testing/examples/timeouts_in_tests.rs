//! Timeouts in tests: on the paused clock a timeout fires at exactly its budget, in no real
//! time; and the traps where something outside tokio's timers is involved.
//!
//! Run: `cargo run --example timeouts_in_tests`
//!
//! Expected output (the golden transcript `timeouts_in_tests.txt` beside this file):
//! ```text
//! [+0.000s] calling a service that answers after 30 s, with a 2 s budget
//! [+2.000s] TimedOut(2s): no reply within 2s; calls cancelled: 1
//! ...
//! ```

use std::time::Duration;

use testing::timeouts_in_tests::{fetch_with_timeout, wait_real};
use testing::{FakeService, Script, Step, Transcript, ms};
use tokio::time::Instant;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let slow = FakeService::new("slow", Script::new().then(Step::ok_after(ms(30_000))));
    t.line("calling a service that answers after 30 s, with a 2 s budget");
    match fetch_with_timeout(&slow, ms(2_000)).await {
        Ok(reply) => t.line(format!("reply {reply}")),
        Err(error) => t.line(format!(
            "{error:?}: {error}; calls cancelled: {}",
            slow.stats().cancelled
        )),
    }

    let start = Instant::now();
    tokio::time::sleep(Duration::from_micros(1_500)).await;
    t.line(format!(
        "sleep(1.5 ms) took {} µs: timers round up to whole milliseconds",
        start.elapsed().as_micros()
    ));

    let start = Instant::now();
    let blocking = tokio::time::timeout(ms(10), tokio::task::spawn_blocking(|| wait_real(ms(30))));
    let fired = blocking.await.is_err();
    t.line(format!(
        "a 10 ms timeout around 30 ms of spawn_blocking work fired: {fired}; virtual time passed: {} ms",
        start.elapsed().as_millis()
    ));
    // ANCHOR_END: main
    Ok(())
}
