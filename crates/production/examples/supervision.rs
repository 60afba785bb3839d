//! Supervision: a worker fails twice (an error, then a panic) and is restarted with backoff,
//! recovers for 4 s (which resets its failure streak and outlasts the 3 s window), then crashes 3
//! more times within 3 s: after 3 restarts in the window the supervisor gives up and says why. A
//! sibling worker keeps running throughout. (Scaled to finish in under 8 s of real time.)
//!
//! Run: `cargo run --example supervision`
//!
//! Expected output: the golden transcript `supervision.txt` beside this file.

use std::time::Duration;

use production::{PanicPolicy, Supervised, SupervisorConfig};
use testing::{Transcript, ms};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let _quiet = testing::QuietPanics::new(); // run 2's panic is part of the lesson
    // ANCHOR: main
    let config = SupervisorConfig {
        initial_backoff: ms(100),
        max_backoff: Duration::from_secs(1),
        jitter_percent: 20,
        seed: 42,
        max_restarts: 3,
        window: Duration::from_secs(3),
        healthy_after: Duration::from_secs(2),
        on_panic: PanicPolicy::Restart,
    };
    let sibling = Supervised::<String>::spawn(config.clone(), std::future::pending)?;
    let log = t.clone();
    let mut run = 0;
    let worker = Supervised::spawn(config, move || {
        run += 1;
        log.line(format!("worker run {run} starts"));
        let log = log.clone();
        async move {
            // Run 3 is healthy for 4 s; the others fail after 0.5 s.
            let lasts = if run == 3 { 4_000 } else { 500 };
            tokio::time::sleep(ms(lasts)).await;
            if run == 2 {
                log.line("worker run 2 panics");
                panic!("run 2: index out of bounds");
            }
            log.line(format!("worker run {run} fails"));
            Err(format!("run {run}: connection lost"))
        }
    })?;
    let exit = worker.join().await;
    t.line(format!("worker {exit}"));
    t.line(format!("sibling still {:?}", sibling.state()));
    t.line(format!("sibling {}", sibling.shutdown().await));
    // ANCHOR_END: main
    Ok(())
}
