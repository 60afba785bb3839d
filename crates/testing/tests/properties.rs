//! Properties: random schedules on a paused runtime, and shrinking a failing one.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use testing::paused_runtime;
use testing::properties::{Job, Limiter, play};

// ANCHOR: strategy
fn schedules() -> impl Strategy<Value = Vec<Job>> {
    prop::collection::vec(
        (0_u64..20, 1_u64..20).prop_map(|(start_ms, hold_ms)| Job { start_ms, hold_ms }),
        0..12,
    )
}
// ANCHOR_END: strategy

// ANCHOR: property
proptest! {
    #[test]
    fn a_semaphore_never_lets_more_than_the_limit_in(schedule in schedules(), limit in 1_usize..4) {
        // One paused runtime per case: the schedule's seconds take no real time.
        let outcome = paused_runtime().block_on(play(&schedule, limit, Limiter::Semaphore));
        prop_assert!(outcome.max_in_flight <= limit);
        if !schedule.is_empty() {
            prop_assert_eq!(outcome.max_in_flight, outcome.max_in_flight.max(1));
        }
    }
}
// ANCHOR_END: property

// ANCHOR: shrink
#[test]
fn shrinking_finds_the_smallest_schedule_that_breaks_check_then_act() {
    // A fixed seed, so the same cases are tried, and the same minimum found, on every run.
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 256,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let outcome = runner.run(&schedules(), |schedule| {
        let outcome = paused_runtime().block_on(play(&schedule, 2, Limiter::CheckThenAct));
        prop_assert!(
            outcome.max_in_flight <= 2,
            "{} in flight",
            outcome.max_in_flight
        );
        Ok(())
    });
    let Err(TestError::Fail(reason, minimal)) = outcome else {
        panic!("expected the race to be found, got {outcome:?}");
    };
    // What is left after shrinking: a few jobs, every one asking at the same instant (each
    // sees fewer than 2 running, yields, then counts itself in). Shrinking stops at a local
    // minimum: no single simplification proptest tries still fails.
    assert!(minimal.iter().all(|job| job.start_ms == 0), "{minimal:?}");
    assert!((3..=4).contains(&minimal.len()), "{minimal:?}");
    assert!(reason.message().contains(" in flight"), "{reason}");
}
// ANCHOR_END: shrink
