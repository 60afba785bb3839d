//! Retry with backoff on the paused clock: exact delay sequences, jitter, caps, the predicate,
//! the budget, bad input, and backon on tokio's sleeper.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable, TokioSleeper};
use basics::ConfigError;
use basics::config::{MAX_CAPACITY, MAX_DURATION};
use errors_timeouts::{Jitter, RetryError, RetryPolicy, retry};
use proptest::prelude::*;
use testing::{FakeService, Script, Step};
use tokio::time::Instant;

use testing::ms;

/// Calls `remote` through `retry`, recording when each attempt started (ms since the start).
async fn attempt_times(
    policy: &RetryPolicy,
    remote: &FakeService,
) -> (Vec<u128>, Result<String, RetryError<testing::FakeError>>) {
    let start = Instant::now();
    let times = Arc::new(Mutex::new(Vec::new()));
    let outcome = retry(
        policy,
        |_| true,
        || {
            times
                .lock()
                .expect("not poisoned")
                .push(start.elapsed().as_millis());
            remote.call()
        },
    )
    .await;
    let times = times.lock().expect("not poisoned").clone();
    (times, outcome)
}

#[tokio::test(start_paused = true)]
async fn fails_twice_then_succeeds_after_exactly_the_planned_delays() {
    let remote = FakeService::new(
        "r",
        Script::new().then_repeat(2, Step::fail()).then(Step::ok()),
    );
    let policy = RetryPolicy::builder()
        .initial_delay(ms(100))
        .build()
        .expect("valid");
    let (times, outcome) = attempt_times(&policy, &remote).await;
    assert_eq!(outcome.as_deref(), Ok("r reply 3"));
    assert_eq!(times, [0, 100, 300]);
}

#[tokio::test(start_paused = true)]
async fn exponential_delays_are_capped_by_max_delay() {
    let remote = FakeService::new("r", Script::new().then(Step::fail()));
    let policy = RetryPolicy::builder()
        .max_attempts(6)
        .initial_delay(ms(100))
        .max_delay(ms(500))
        .build()
        .expect("valid");
    let (times, outcome) = attempt_times(&policy, &remote).await;
    // Delays 100, 200, 400, 500, 500.
    assert_eq!(times, [0, 100, 300, 700, 1_200, 1_700]);
    assert!(matches!(
        outcome,
        Err(RetryError::Exhausted { attempts: 6, .. })
    ));
}

#[tokio::test(start_paused = true)]
async fn seeded_jitter_gives_the_same_exact_sequence_on_every_run() {
    let policy = RetryPolicy::builder()
        .max_attempts(5)
        .initial_delay(ms(200))
        .jitter(Jitter::Equal { seed: 42 })
        .build()
        .expect("valid");
    let delays: Vec<_> = policy.delays().collect();
    assert_eq!(delays, [ms(174), ms(232), ms(511), ms(1_075)]);
    assert_eq!(policy.delays().collect::<Vec<_>>(), delays, "reproducible");
    // On the paused clock the sleeps are exactly those delays.
    let remote = FakeService::new("r", Script::new().then(Step::fail()));
    let (times, _) = attempt_times(&policy, &remote).await;
    assert_eq!(times, [0, 174, 406, 917, 1_992]);
    let other_seed = RetryPolicy::builder()
        .max_attempts(5)
        .initial_delay(ms(200))
        .jitter(Jitter::Equal { seed: 43 })
        .build()
        .expect("valid");
    assert_ne!(other_seed.delays().collect::<Vec<_>>(), delays);
}

#[tokio::test(start_paused = true)]
async fn a_permanent_error_is_not_retried() {
    let remote = FakeService::new("r", Script::new().then(Step::fail()));
    let policy = RetryPolicy::builder()
        .max_attempts(5)
        .build()
        .expect("valid");
    let start = Instant::now();
    let outcome = retry(&policy, |_| false, || remote.call()).await;
    assert!(matches!(
        outcome,
        Err(RetryError::Permanent { attempts: 1, .. })
    ));
    assert_eq!(remote.stats().started, 1);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_permanent_error_after_a_retry_counts_every_attempt() {
    // The first failure is retryable, the second permanent: the count spans both.
    let remote = FakeService::new("r", Script::new().then_repeat(2, Step::fail()));
    let policy = RetryPolicy::builder()
        .max_attempts(5)
        .initial_delay(ms(100))
        .build()
        .expect("valid");
    let mut seen = 0;
    let start = Instant::now();
    let outcome = retry(
        &policy,
        |_| {
            seen += 1;
            seen == 1
        },
        || remote.call(),
    )
    .await;
    assert!(matches!(
        outcome,
        Err(RetryError::Permanent { attempts: 2, .. })
    ));
    assert_eq!(remote.stats().started, 2);
    assert_eq!(start.elapsed(), ms(100));
}

#[tokio::test(start_paused = true)]
async fn a_retrying_call_can_run_on_its_own_task() {
    // Spawning needs the whole retry future, failure path included, to be `Send + 'static`.
    let remote = FakeService::new("r", Script::new().then(Step::fail()).then(Step::ok()));
    let policy = RetryPolicy::builder().build().expect("valid");
    let task = tokio::spawn(async move { retry(&policy, |_| true, || remote.call()).await });
    let reply = task
        .await
        .expect("no panic")
        .expect("the second attempt succeeds");
    assert_eq!(reply, "r reply 2");
}

#[tokio::test(start_paused = true)]
async fn the_budget_stops_retries_that_would_start_too_late() {
    // Each attempt takes 1 s; delays 100, 200, 400 ms; a 2.5 s budget.
    let remote = FakeService::new(
        "r",
        Script::new().then(Step::fail_after(Duration::from_secs(1))),
    );
    let policy = RetryPolicy::builder()
        .max_attempts(10)
        .initial_delay(ms(100))
        .budget(ms(2_500))
        .build()
        .expect("valid");
    let start = Instant::now();
    let outcome = retry(&policy, |_| true, || remote.call()).await;
    // Attempts run 0..1.0 s, 1.1..2.1 s and 2.3..3.3 s (the budget bounds when an attempt
    // starts, not how long it runs); attempt 4 would start at 3.7 s, past the 2.5 s budget.
    assert!(
        matches!(outcome, Err(RetryError::BudgetSpent { attempts: 3, .. })),
        "{outcome:?}"
    );
    assert_eq!(start.elapsed(), ms(3_300));
}

#[tokio::test(start_paused = true)]
async fn an_attempt_starting_exactly_at_the_budget_runs_and_no_sleep_is_wasted() {
    // Instant failures, delays 100 and 200 ms: attempts at 0, 100 and 300 ms. A 300 ms budget
    // admits the third (it starts exactly at the budget); the fourth would start at 700 ms, so
    // retry gives up at once, at +300 ms, instead of sleeping 400 ms first.
    let remote = FakeService::new("r", Script::new().then(Step::fail()));
    let policy = RetryPolicy::builder()
        .max_attempts(10)
        .initial_delay(ms(100))
        .budget(ms(300))
        .build()
        .expect("valid");
    let start = Instant::now();
    let (times, outcome) = attempt_times(&policy, &remote).await;
    assert_eq!(times, [0, 100, 300]);
    assert!(
        matches!(outcome, Err(RetryError::BudgetSpent { attempts: 3, .. })),
        "{outcome:?}"
    );
    assert_eq!(start.elapsed(), ms(300));
}

#[test]
fn the_longest_delays_and_a_huge_multiplier_saturate_at_the_cap() {
    for jitter in [
        Jitter::None,
        Jitter::Full { seed: 1 },
        Jitter::Equal { seed: 1 },
    ] {
        let policy = RetryPolicy::builder()
            .max_attempts(4)
            .initial_delay(MAX_DURATION)
            .max_delay(MAX_DURATION)
            .multiplier(1 << 20)
            .jitter(jitter)
            .build()
            .expect("valid");
        let delays: Vec<Duration> = policy.delays().collect();
        assert_eq!(delays.len(), 3);
        assert!(delays.iter().all(|d| *d <= MAX_DURATION));
    }
}

#[tokio::test(start_paused = true)]
async fn a_long_delay_under_a_budget_is_budget_spent_at_once() {
    let remote = FakeService::new("r", Script::new().then(Step::fail()));
    let policy = RetryPolicy::builder()
        .initial_delay(MAX_DURATION)
        .max_delay(MAX_DURATION)
        .budget(Duration::from_secs(1))
        .build()
        .expect("valid");
    let start = Instant::now();
    let outcome = retry(&policy, |_| true, || remote.call()).await;
    assert!(matches!(
        outcome,
        Err(RetryError::BudgetSpent { attempts: 1, .. })
    ));
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[test]
fn zero_huge_and_too_long_settings_are_config_errors() {
    let build =
        |builder: errors_timeouts::RetryPolicyBuilder| builder.build().expect_err("refused");
    let b = RetryPolicy::builder;
    assert_eq!(
        build(b().max_attempts(0)),
        ConfigError::Zero {
            name: "max_attempts"
        }
    );
    assert_eq!(
        build(b().max_attempts(usize::MAX)),
        ConfigError::TooLarge {
            name: "max_attempts",
            value: usize::MAX,
            max: MAX_CAPACITY
        }
    );
    assert_eq!(
        build(b().multiplier(0)),
        ConfigError::Zero { name: "multiplier" }
    );
    assert!(matches!(
        build(b().multiplier(u32::MAX)),
        ConfigError::TooLarge {
            name: "multiplier",
            ..
        }
    ));
    for (name, builder) in [
        ("initial_delay", b().initial_delay(Duration::MAX)),
        ("max_delay", b().max_delay(Duration::MAX)),
        ("budget", b().budget(Duration::MAX)),
    ] {
        assert!(
            matches!(build(builder), ConfigError::TooLong { name: n, .. } if n == name),
            "{name}"
        );
    }
    assert_eq!(
        build(b().budget(Duration::ZERO)),
        ConfigError::Zero { name: "budget" }
    );
    // A zero delay is "retry at once", not an error.
    let at_once = b()
        .initial_delay(Duration::ZERO)
        .build()
        .expect("zero delays are valid");
    assert_eq!(at_once.delays().collect::<Vec<_>>(), [Duration::ZERO; 2]);
    let one_attempt = b().max_attempts(1).build().expect("valid");
    assert_eq!(
        one_attempt.delays().count(),
        0,
        "one attempt means no retry"
    );
}

#[tokio::test(start_paused = true)]
async fn backon_on_tokios_sleeper_follows_the_paused_clock() {
    let remote = FakeService::new(
        "r",
        Script::new().then_repeat(3, Step::fail()).then(Step::ok()),
    );
    let start = Instant::now();
    let delays = Arc::new(Mutex::new(Vec::new()));
    let reply = (|| remote.call())
        .retry(
            ExponentialBuilder::default()
                .with_min_delay(ms(100))
                .with_max_times(5),
        )
        .sleep(TokioSleeper)
        .notify(|_, delay| delays.lock().expect("not poisoned").push(delay.as_millis()))
        .await
        .expect("the fourth call succeeds");
    assert_eq!(reply, "r reply 4");
    assert_eq!(*delays.lock().expect("not poisoned"), [100, 200, 400]);
    // backon multiplies by an f32 factor, so a delay can round up by a millisecond.
    let elapsed = start.elapsed();
    assert!(elapsed >= ms(700) && elapsed <= ms(703), "{elapsed:?}");
}

proptest! {
    /// Without jitter the delays never shrink and never pass the cap (rounded up to whole ms);
    /// with jitter each delay stays within its planned value (and at or above half of it for
    /// equal jitter), and every delay is a whole number of milliseconds.
    #[test]
    fn backoff_is_monotone_capped_and_jitter_bounded(
        attempts in 1usize..12,
        initial_ms in 0u64..1_000,
        multiplier in 1u32..5,
        max_ms in 1u64..5_000,
        seed in any::<u64>(),
    ) {
        let builder = RetryPolicy::builder()
            .max_attempts(attempts)
            .initial_delay(ms(initial_ms))
            .multiplier(multiplier)
            .max_delay(ms(max_ms));
        let plain: Vec<_> = builder.build().expect("valid").delays().collect();
        prop_assert_eq!(plain.len(), attempts - 1);
        prop_assert!(plain.windows(2).all(|w| w[0] <= w[1]));
        prop_assert!(plain.iter().all(|d| *d <= ms(max_ms)));
        prop_assert!(plain.iter().all(|d| d.subsec_nanos() % 1_000_000 == 0));
        let full: Vec<_> = builder.jitter(Jitter::Full { seed }).build().expect("valid").delays().collect();
        let equal: Vec<_> = builder.jitter(Jitter::Equal { seed }).build().expect("valid").delays().collect();
        for ((planned, full), equal) in plain.iter().zip(&full).zip(&equal) {
            prop_assert!(full <= planned);
            prop_assert!(equal <= planned && *equal * 2 >= *planned);
        }
    }
}

/// Issue 10, item 8: sub-millisecond delays. The reported schedule is the real one, the budget
/// holds, and equal jitter stays within [d/2, d] on tokio's 1 ms grid.
#[tokio::test(start_paused = true)]
async fn sub_millisecond_delays_are_reported_as_tokio_sleeps_them() {
    let remote = FakeService::new("r", Script::new().then(Step::fail()));
    let policy = RetryPolicy::builder()
        .max_attempts(4)
        .initial_delay(Duration::from_micros(1_500))
        .build()
        .expect("valid");
    let reported: Vec<Duration> = policy.delays().collect();
    let start = Instant::now();
    let starts = Arc::new(Mutex::new(Vec::new()));
    let _ = retry(
        &policy,
        |_| true,
        || {
            starts.lock().expect("not poisoned").push(start.elapsed());
            remote.call()
        },
    )
    .await;
    let starts = starts.lock().expect("not poisoned").clone();
    let gaps: Vec<Duration> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps, reported, "the reported delays are the real gaps");
}

#[tokio::test(start_paused = true)]
async fn a_sub_millisecond_budget_is_not_overrun_by_timer_rounding() {
    let remote = FakeService::new("r", Script::new().then(Step::fail()));
    let budget = Duration::from_micros(1_500);
    let policy = RetryPolicy::builder()
        .max_attempts(3)
        .initial_delay(Duration::from_micros(1_500))
        .budget(budget)
        .build()
        .expect("valid");
    let start = Instant::now();
    let starts = Arc::new(Mutex::new(Vec::new()));
    let outcome = retry(
        &policy,
        |_| true,
        || {
            starts.lock().expect("not poisoned").push(start.elapsed());
            remote.call()
        },
    )
    .await;
    let starts = starts.lock().expect("not poisoned").clone();
    assert!(
        starts.iter().all(|at| *at <= budget),
        "an attempt started after the budget: {starts:?}"
    );
    assert!(matches!(outcome, Err(RetryError::BudgetSpent { .. })));
}

#[test]
fn equal_jitter_stays_within_half_and_whole_delay() {
    for seed in 0..200 {
        let policy = RetryPolicy::builder()
            .max_attempts(20)
            .initial_delay(ms(3))
            .multiplier(1)
            .jitter(Jitter::Equal { seed })
            .build()
            .expect("valid");
        for delay in policy.delays() {
            assert!(
                delay >= Duration::from_micros(1_500) && delay <= ms(3),
                "seed {seed}: {delay:?} outside [1.5 ms, 3 ms]"
            );
        }
    }
}

proptest! {
    /// Review of issue 10, item 8, for random sub-millisecond and jittered settings and attempts
    /// that take time themselves: on the paused clock each gap between an attempt's end and the
    /// next one's start is exactly the delay `delays()` reports, no attempt starts after the
    /// budget, and `BudgetSpent` comes only when the next reported delay would have crossed it.
    #[test]
    fn the_reported_schedule_is_the_slept_one_and_the_budget_holds(
        attempts in 1usize..8,
        initial_us in 0u64..5_000,
        multiplier in 1u32..4,
        max_us in 1u64..8_000,
        jitter in 0u8..3,
        seed in any::<u64>(),
        work_us in proptest::collection::vec(0u64..3_000, 8),
        budget_us in proptest::option::of(1u64..20_000),
    ) {
        let jitter = match jitter {
            0 => Jitter::None,
            1 => Jitter::Full { seed },
            _ => Jitter::Equal { seed },
        };
        let mut builder = RetryPolicy::builder()
            .max_attempts(attempts)
            .initial_delay(Duration::from_micros(initial_us))
            .multiplier(multiplier)
            .max_delay(Duration::from_micros(max_us))
            .jitter(jitter);
        if let Some(budget) = budget_us {
            builder = builder.budget(Duration::from_micros(budget));
        }
        let policy = builder.build().expect("valid");
        let reported: Vec<Duration> = policy.delays().collect();
        let (spans, outcome) = testing::paused_runtime().block_on(async {
            let start = Instant::now();
            let spans = Mutex::new(Vec::new());
            let outcome = retry(&policy, |_: &()| true, || {
                let work = Duration::from_micros(work_us[spans.lock().expect("not poisoned").len()]);
                let spans = &spans;
                async move {
                    let began = start.elapsed();
                    tokio::time::sleep(work).await;
                    spans.lock().expect("not poisoned").push((began, start.elapsed()));
                    Err::<(), ()>(())
                }
            })
            .await;
            (spans.into_inner().expect("not poisoned"), outcome)
        });
        let gaps: Vec<Duration> = spans.windows(2).map(|w| w[1].0 - w[0].1).collect();
        prop_assert_eq!(&gaps[..], &reported[..gaps.len()], "reported {:?}, spans {:?}", reported, spans);
        if let Some(budget) = budget_us.map(Duration::from_micros) {
            prop_assert!(spans.iter().all(|(began, _)| *began <= budget), "{:?}", spans);
            if let Err(RetryError::BudgetSpent { attempts: made, .. }) = outcome {
                prop_assert_eq!(made, spans.len());
                let last_end = spans.last().expect("one attempt at least").1;
                prop_assert!(last_end + reported[made - 1] > budget);
            }
        }
    }
}
