//! Network simulation: a client with retries across a partition and a server restart, in
//! turmoil's simulated network; the same seed twice gives the same event log.
//!
//! Run: `cargo run --example network_simulation`
//!
//! The stamps are turmoil's simulated time, so they are the same on either clock.
//! Expected output (the golden transcript `network_simulation.txt` beside this file):
//! ```text
//! [+0.000s] server: listening
//! [+0.008s] client: attempt 1: ok get 1
//! [+1.000s] network: partition
//! ...
//! ```

#[path = "../tests/common/partition.rs"]
mod partition;

use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    // turmoil builds a runtime per host and blocks on the simulation: blocking work, so it runs
    // on the blocking pool, not on this example's runtime thread.
    let (first, second) = tokio::task::spawn_blocking(|| {
        let first = partition::partition_and_restart(7).map_err(|e| e.to_string())?;
        let second = partition::partition_and_restart(7).map_err(|e| e.to_string())?;
        Ok::<_, String>((first, second))
    })
    .await?
    .map_err(anyhow::Error::msg)?;
    for event in &first {
        t.raw(event);
    }
    t.raw(format!(
        "seed 7 twice: {} events, identical: {}",
        first.len(),
        first == second
    ));
    // ANCHOR_END: main
    Ok(())
}
