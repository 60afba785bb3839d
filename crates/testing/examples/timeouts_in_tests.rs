//! Timeouts in tests: on the paused clock a timeout fires at exactly its budget, in no real
//! time; and the traps where something outside tokio's timers is involved.
//!
//! Run: `cargo run --example timeouts_in_tests`
//!
//! The lesson is the difference between the two clocks, so the example has two transcripts, and
//! its first line says which clock it runs on. On the paused clock (what a
//! `#[tokio::test(start_paused = true)]` test sees; the golden transcript `timeouts_in_tests.txt`):
//! ```text
//! [+0.000s] clock: paused, as in a `start_paused` test: timers are exact and take no real time
//! [+2.000s] TimedOut(2s): no reply within 2s; calls cancelled: 1
//! ...
//! ```
//! On the real clock (what `cargo run` shows; `timeouts_in_tests.real.txt`) the same timeout
//! takes 2 s of real time, a 1.5 ms sleep takes about that long, and the timeout around blocking
//! work fires.
use std::time::Duration;

use testing::timeouts_in_tests::{fetch_with_timeout, wait_real};
use testing::{ClockMode, FakeService, Script, Step, Transcript, ms};
use tokio::time::Instant;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.line(match t.clock_mode() {
        ClockMode::Paused => {
            "clock: paused, as in a `start_paused` test: timers are exact and take no real time"
        }
        ClockMode::Real => {
            "clock: real, as `cargo run` runs it: timers take real time (a test sees the paused run)"
        }
    });
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
    let took = start.elapsed();
    t.line(if took == Duration::from_millis(2) {
        "sleep(1.5 ms) took exactly 2 ms: timers round up to whole milliseconds".to_owned()
    } else {
        // On the real clock: the rounded-up deadline, plus however late the wake-up came.
        format!(
            "sleep(1.5 ms) took {}: not the exact 2 ms of the paused clock",
            if took < Duration::from_millis(10) {
                "a few ms"
            } else {
                "10 ms or more"
            }
        )
    });

    let start = Instant::now();
    let blocking = tokio::time::timeout(ms(10), tokio::task::spawn_blocking(|| wait_real(ms(30))));
    let fired = blocking.await.is_err();
    let passed = start.elapsed();
    let passed = if passed.is_zero() {
        "none"
    } else if passed < ms(30) {
        "less than the work's 30 ms"
    } else {
        "the work's 30 ms or more"
    };
    t.line(format!(
        "a 10 ms timeout around 30 ms of spawn_blocking work fired: {fired}; tokio time passed: {passed}"
    ));
    // ANCHOR_END: main
    Ok(())
}
