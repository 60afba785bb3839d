//! Supervision on the paused clock: exact backoff instants, give up after N restarts in T, the
//! streak resets after a healthy run, panics caught as panics, the panic policy, siblings
//! unaffected, bad input refused, and the backoff's invariants as properties.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use basics::ConfigError;
use production::{Backoff, ChildState, Exit, Failure, PanicPolicy, Supervised, SupervisorConfig};
use proptest::prelude::*;
use testing::ms;
use tokio::time::{Instant, sleep};

fn exact() -> SupervisorConfig {
    SupervisorConfig {
        initial_backoff: ms(100),
        max_backoff: ms(1000),
        jitter_percent: 0,
        seed: 0,
        max_restarts: 3,
        window: Duration::from_secs(10),
        healthy_after: Duration::from_secs(5),
        on_panic: PanicPolicy::Restart,
    }
}

#[test]
fn bad_configurations_are_refused() {
    let runtime = testing::paused_runtime();
    runtime.block_on(async {
        let spawn =
            |config| Supervised::spawn(config, || async { Ok::<(), String>(()) }).map(|_| ());
        assert_eq!(
            spawn(SupervisorConfig {
                max_restarts: 0,
                ..exact()
            }),
            Err(ConfigError::Zero {
                name: "max_restarts"
            })
        );
        assert_eq!(
            spawn(SupervisorConfig {
                window: Duration::ZERO,
                ..exact()
            }),
            Err(ConfigError::Zero { name: "window" })
        );
        assert!(matches!(
            spawn(SupervisorConfig {
                jitter_percent: 101,
                ..exact()
            }),
            Err(ConfigError::TooLarge {
                name: "jitter_percent",
                value: 101,
                max: 100
            })
        ));
        assert!(matches!(
            spawn(SupervisorConfig {
                initial_backoff: ms(2000),
                ..exact()
            }),
            Err(ConfigError::Invalid {
                name: "initial_backoff",
                ..
            })
        ));
        assert!(matches!(
            spawn(SupervisorConfig {
                initial_backoff: Duration::from_micros(10),
                ..exact()
            }),
            Err(ConfigError::Invalid {
                name: "initial_backoff",
                ..
            })
        ));
    });
}

#[tokio::test(start_paused = true)]
async fn restarts_happen_at_exact_backoff_instants_then_it_gives_up() {
    let starts = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&starts);
    let origin = Instant::now();
    let supervised = Supervised::spawn(exact(), move || {
        seen.lock().unwrap().push(origin.elapsed());
        async { Err::<(), _>("crash") }
    })
    .unwrap();
    let exit = supervised.join().await;
    // Failures at 0, 100, 300, 700: waits of 100, 200, 400; the 4th failure gives up.
    assert_eq!(*starts.lock().unwrap(), [ms(0), ms(100), ms(300), ms(700)]);
    assert_eq!(origin.elapsed(), ms(700));
    assert_eq!(
        exit.to_string(),
        "gave up: 3 restarts within 10 s, then error: crash"
    );
}

#[tokio::test(start_paused = true)]
async fn restarts_outside_the_window_do_not_count() {
    let mut run = 0;
    let supervised = Supervised::spawn(
        SupervisorConfig {
            healthy_after: Duration::from_secs(3600),
            ..exact()
        },
        move || {
            run += 1;
            // Every run lasts 4 s, so at each failure at most two restarts are inside the
            // 10 s window (restarts at +4.1, +8.3, +12.7, +17.5, +23.1 s): it never gives up.
            async move {
                sleep(ms(4000)).await;
                if run == 6 { Ok(()) } else { Err("crash") }
            }
        },
    )
    .unwrap();
    let exit = supervised.join().await;
    assert!(matches!(exit, Exit::Completed { runs: 6 }), "{exit:?}");
}

#[tokio::test(start_paused = true)]
async fn a_healthy_run_resets_the_streak() {
    let starts = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&starts);
    let origin = Instant::now();
    let mut run = 0;
    let supervised = Supervised::spawn(exact(), move || {
        run += 1;
        seen.lock().unwrap().push(origin.elapsed());
        let lasts = if run == 3 { ms(20_000) } else { Duration::ZERO };
        async move {
            sleep(lasts).await;
            if run == 4 { Ok(()) } else { Err("crash") }
        }
    })
    .unwrap();
    let exit = supervised.join().await;
    assert!(matches!(exit, Exit::Completed { runs: 4 }));
    // Run 3 starts at +0.3 s, fails at +20.3 s after a healthy run: the wait is 100 ms again,
    // not 400 ms.
    assert_eq!(
        *starts.lock().unwrap(),
        [ms(0), ms(100), ms(300), ms(20_400)]
    );
}

#[tokio::test(start_paused = true)]
async fn a_panic_is_caught_as_a_panic_and_the_stop_policy_ends_it() {
    let _quiet = testing::QuietPanics::new();
    let restart = Supervised::<String>::spawn(
        SupervisorConfig {
            max_restarts: 1,
            ..exact()
        },
        || async { panic!("worker bug") },
    )
    .unwrap();
    let Exit::GaveUp {
        last: Failure::Panicked(payload),
        ..
    } = restart.join().await
    else {
        panic!("restarted once, then gave up on a panic");
    };
    assert_eq!(payload.message(), Some("worker bug"));

    let start = Instant::now();
    let stop = Supervised::<String>::spawn(
        SupervisorConfig {
            on_panic: PanicPolicy::Stop,
            ..exact()
        },
        || async {
            sleep(ms(50)).await;
            panic!("worker bug")
        },
    )
    .unwrap();
    let exit = stop.join().await;
    assert_eq!(start.elapsed(), ms(50), "no restart");
    assert_eq!(exit.to_string(), "stopped on panic: worker bug");
}

#[tokio::test(start_paused = true)]
async fn siblings_are_unaffected_and_the_state_is_watchable() {
    let ticks = Arc::new(Mutex::new(0));
    let counted = Arc::clone(&ticks);
    let sibling = Supervised::<String>::spawn(exact(), move || {
        let counted = Arc::clone(&counted);
        async move {
            loop {
                sleep(ms(100)).await;
                *counted.lock().unwrap() += 1;
            }
        }
    })
    .unwrap();
    let failing = Supervised::spawn(exact(), || async { Err::<(), _>("crash") }).unwrap();
    let mut state = failing.watch();
    state
        .wait_for(|s| matches!(s, ChildState::BackingOff { streak: 1, .. }))
        .await
        .unwrap();
    assert!(matches!(failing.join().await, Exit::GaveUp { .. }));
    sleep(ms(350)).await; // +1.05 s
    assert_eq!(sibling.state(), ChildState::Running { run: 1 });
    assert_eq!(
        *ticks.lock().unwrap(),
        10,
        "ticked every 100 ms, never restarted"
    );
    assert!(matches!(sibling.shutdown().await, Exit::Closed));
}

#[tokio::test(start_paused = true)]
async fn close_aborts_the_run_and_returns_whether_it_stopped_it() {
    let supervised = Supervised::<String>::spawn(exact(), std::future::pending).unwrap();
    sleep(ms(10)).await;
    assert!(supervised.close());
    assert!(!supervised.close());
    assert!(matches!(supervised.join().await, Exit::Closed));
}

proptest! {
    #[test]
    fn backoff_is_capped_monotone_without_jitter_and_deterministic_with_it(
        initial in 1u64..2000,
        extra in 0u64..20_000,
        jitter in 0u32..=100,
        seed in any::<u64>(),
    ) {
        let runtime = testing::paused_runtime();
        runtime.block_on(async {
            let config = SupervisorConfig {
                initial_backoff: ms(initial),
                max_backoff: ms(initial + extra),
                jitter_percent: jitter,
                seed,
                ..SupervisorConfig::default()
            };
            prop_assert!(config.validate().is_ok());
            let plain = SupervisorConfig { jitter_percent: 0, ..config.clone() };
            let (mut a, mut b, mut base) =
                (Backoff::new(&config), Backoff::new(&config), Backoff::new(&plain));
            let mut previous = Duration::ZERO;
            for streak in 1..=70 {
                let full = base.delay(streak);
                prop_assert!(full >= previous && full <= ms(initial + extra));
                previous = full;
                let jittered = a.delay(streak);
                prop_assert_eq!(jittered, b.delay(streak));
                let floor = full.as_millis() * u128::from(100 - jitter) / 100;
                prop_assert!(jittered <= full && jittered.as_millis() >= floor);
            }
            Ok(())
        })?;
    }
}
