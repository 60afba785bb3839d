//! Unbounded fan-out: 500 jobs of 200 ms, spawned all at once, then with at most 100 in
//! flight; a witness counts the jobs in flight.
//!
//! Run: `cargo run --example unbounded_fan_out`
//!
//! Expected output: the golden transcript `unbounded_fan_out.txt` beside this file. (Run by a
//! person, the bounded run takes its 1 s of real time. The tests run 100 000 on the paused clock:
//! here, spawning 10 000 tasks would itself take tens of milliseconds of real time in a debug
//! build, so the jobs are fewer and longer, and the bounded run has five waves, not a hundred.)

use std::future::Future;
use std::pin::Pin;

use pitfalls::unbounded_fan_out::{self, BoundedFanOut};
use testing::{InFlight, Transcript, ms};
use tokio::time::Instant;

const ITEMS: usize = 500;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

/// A 200 ms job that counts itself in flight.
fn job(witness: &InFlight) -> impl Fn(usize) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    let witness = witness.clone();
    move |_item| {
        let witness = witness.clone();
        Box::pin(async move {
            let _in_flight = witness.enter();
            tokio::time::sleep(ms(200)).await;
        })
    }
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.line(format!(
        "wrong: {ITEMS} jobs of 200 ms, one task each, all at once"
    ));
    let witness = InFlight::new();
    let start = Instant::now();
    let finished = unbounded_fan_out::run_all_at_once(ITEMS, job(&witness)).await?;
    t.line(format!(
        "  {finished} finished in {:.1} s; most in flight at once: {}",
        start.elapsed().as_secs_f64(),
        witness.max()
    ));

    t.line(format!(
        "right: the same {ITEMS} jobs, at most 100 in flight"
    ));
    let witness = InFlight::new();
    let start = Instant::now();
    let finished = BoundedFanOut::new(100)?.run(ITEMS, job(&witness)).await?;
    t.line(format!(
        "  {finished} finished in {:.1} s; most in flight at once: {}",
        start.elapsed().as_secs_f64(),
        witness.max()
    ));
    Ok(())
}
