//! Interval burst after a stall: a 100 ms interval whose job runs 350 ms long after its third
//! tick. With the default `Burst` the missed ticks fire back to back; with `Delay` the schedule
//! moves.
//!
//! Run: `cargo run --example interval_burst`
//!
//! Expected output: the golden transcript `interval_burst.txt` beside this file.

use pitfalls::interval_burst::{self, TickTimes};
use testing::{Transcript, ms};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.line("a 100 ms interval; after tick 3 the job runs 350 ms long");
    let times =
        interval_burst::tick_times(interval_burst::ticker_default(ms(100))?, 8, 2, ms(350)).await;
    t.line(format!("wrong: default (Burst): ticks at {}", list(&times)));
    let times = interval_burst::tick_times(interval_burst::ticker(ms(100))?, 8, 2, ms(350)).await;
    t.line(format!("right: Delay: ticks at {}", list(&times)));
    Ok(())
}

/// The tick times in milliseconds, rounded down to 10 ms: on the real clock every tick comes a
/// millisecond or two late (the timer's 1 ms grid, then the wake-up), never early.
fn list(times: &TickTimes) -> String {
    let millis: Vec<String> = times
        .iter()
        .map(|d| (d.as_millis() / 10 * 10).to_string())
        .collect();
    format!("{} ms", millis.join(", "))
}
