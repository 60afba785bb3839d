//! Properties: random schedules played on a paused runtime; the correct limiter holds for all
//! of them, the racy one fails and proptest shrinks the schedule that shows it.
//!
//! Run: `cargo run --example properties`
//!
//! Expected output (the golden transcript `properties.txt` beside this file):
//! ```text
//! [+0.000s] 256 random schedules per limiter, checked on real threads (the blocking pool)
//! [+0.000s] Semaphore, limit 2: 256 random schedules passed
//! ...
//! ```
//!
//! The checks are real CPU work (tens of milliseconds) on a blocking-pool thread, which tokio's
//! paused clock does not see: the golden transcript's stamps stay at +0.000s, and a run on the
//! real clock stamps the verdicts with that CPU time, which varies from machine to machine. The
//! first line says so (`real threads`): `cargo xtask examples --real-time` compares its lines,
//! not its stamps.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use testing::Transcript;
use testing::paused_runtime;
use testing::properties::{Job, Limiter, play};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

fn schedules() -> impl Strategy<Value = Vec<Job>> {
    prop::collection::vec(
        (0_u64..20, 1_u64..20).prop_map(|(start_ms, hold_ms)| Job { start_ms, hold_ms }),
        0..12,
    )
}

/// Checks "never more than 2 in flight" with `limiter` over 256 seeded random schedules.
fn check(limiter: Limiter) -> Result<(), TestError<Vec<Job>>> {
    let config = Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    runner.run(&schedules(), |schedule| {
        // Each case gets a paused runtime of its own (this runs on a blocking-pool thread: see
        // `run`).
        let outcome = paused_runtime().block_on(play(&schedule, 2, limiter));
        prop_assert!(
            outcome.max_in_flight <= 2,
            "{} in flight",
            outcome.max_in_flight
        );
        Ok(())
    })
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.line("256 random schedules per limiter, checked on real threads (the blocking pool)");
    // ANCHOR: main
    for limiter in [Limiter::Semaphore, Limiter::CheckThenAct] {
        // 512 cases on runtimes of their own are blocking work for this example's runtime:
        // they go to the blocking pool, as any long synchronous job should.
        match tokio::task::spawn_blocking(move || check(limiter)).await? {
            Ok(()) => t.line(format!("{limiter:?}, limit 2: 256 random schedules passed")),
            Err(TestError::Fail(reason, minimal)) => {
                let message = reason
                    .message()
                    .split(" at ")
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                t.line(format!(
                    "{limiter:?}, limit 2: failed ({message}); shrunk to:"
                ));
                for job in minimal {
                    t.line(format!(
                        "  start +{} ms, hold {} ms",
                        job.start_ms, job.hold_ms
                    ));
                }
            }
            Err(other) => t.line(format!("{limiter:?}: {other}")),
        }
    }
    // ANCHOR_END: main
    Ok(())
}
