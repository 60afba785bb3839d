//! The shutdown conformance harness: the 16 scenarios of the production crate.
//!
//! Scenarios 1-3 (†) start a real child process (this test binary, re-run as a service by
//! `child_service`) and send it real signals with `kill`; they run on the real clock with
//! bounded waits. Every other scenario runs on tokio's paused clock and asserts exact times.

mod common;

use std::time::{Duration, Instant as WallClock};

use common::child::{self, Child};
use production::conformance::{self, Event, FakeWorker, ReferenceConfig, Script};
use production::{
    Backoff, Exit, Health, HealthChecks, Lifespan, PanicPolicy, PeriodicConfig, PeriodicTask,
    Phase, Probes, Shutdown, Signal, StepError, Supervised, SupervisorConfig,
};
use testing::ms;
use tokio::time::{Instant, MissedTickBehavior, sleep};
use tokio_util::sync::CancellationToken;

/// Not a scenario: the service the † scenarios start. Run normally, it does nothing; run by a
/// parent with the role variable set, it plays the service and exits the process.
#[test]
fn child_service() {
    if let Ok(role) = std::env::var(child::ROLE_ENV) {
        let code = child::play_service(&role);
        std::process::exit(code);
    }
}

/// Starts a child service and waits until it is serving a request.
fn started_child(role: &str) -> Child {
    let mut child = Child::spawn("child_service", role);
    child.wait_for("ready", Duration::from_secs(10));
    child
}

fn graceful_exit_on(signal: Signal) {
    let mut child = started_child("short");
    child.signal(signal);
    let (code, lines) = child.wait_exit(Duration::from_secs(5));
    assert_eq!(code, Some(0), "{lines:#?}");
    assert!(
        lines.iter().any(|line| line.ends_with("completed #0")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.contains("drained: 1 completed, 0 aborted [], 0 panicked, drained")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|line| line.ends_with("stopped db pool")),
        "{lines:#?}"
    );
}

/// 1 †. SIGINT triggers shutdown: the request in flight completes, the lifespan is torn down,
/// the process exits 0.
#[test]
fn s01_sigint_triggers_shutdown() {
    graceful_exit_on(Signal::Interrupt);
}

/// 2 †. SIGTERM triggers shutdown, the same way.
#[test]
fn s02_sigterm_triggers_shutdown() {
    graceful_exit_on(Signal::Terminate);
}

/// 3 †. A second signal forces the exit in under 100 ms, with 128 + the signal's number.
#[test]
fn s03_a_second_signal_forces_exit_in_under_100ms() {
    let mut child = started_child("long");
    child.signal(Signal::Terminate);
    child.wait_for("draining", Duration::from_secs(5));
    let sent = WallClock::now();
    child.signal(Signal::Interrupt);
    let (code, lines) = child.wait_exit(Duration::from_secs(5));
    let took = sent.elapsed();
    assert_eq!(code, Some(130), "{lines:#?}");
    assert!(took < Duration::from_millis(100), "exit took {took:?}");
    assert!(
        lines
            .iter()
            .any(|line| line.contains("0 completed, 1 aborted [0], 0 panicked, forced")),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|line| line.contains("stopped db pool")),
        "no teardown when forced"
    );
}

/// 4. Readiness answers "not ready" before the listener closes: the phase turns `Draining`
/// first, and when the listener closes, readiness is already failing.
#[tokio::test(start_paused = true)]
async fn s04_readiness_fails_before_the_listener_closes() {
    let script = Script::new()
        .request(ms(900), ms(500))
        .probe(ms(950))
        .signal(ms(1000), Signal::Terminate)
        .probe(ms(1001))
        .request(ms(1001), ms(10));
    let record = conformance::run(script, |ctx| {
        conformance::reference_service(ReferenceConfig::default(), ctx)
    })
    .await;
    let probes = record.all(|e| matches!(e, Event::Probed { .. }));
    assert!(matches!(
        probes[0],
        Event::Probed {
            readiness: true,
            ..
        }
    ));
    assert!(matches!(
        probes[1],
        Event::Probed {
            readiness: false,
            liveness: true,
            startup: true
        }
    ));
    let draining = record
        .position(|e| *e == Event::PhaseChanged(Phase::Draining))
        .unwrap();
    let closed = record
        .position(|e| matches!(e, Event::ListenerClosed { .. }))
        .unwrap();
    assert!(draining < closed, "{:#?}", record.lines());
    assert_eq!(
        record.time_of(|e| matches!(e, Event::ListenerClosed { .. })),
        Some(ms(1000))
    );
    assert_eq!(
        record.all(|e| matches!(e, Event::ListenerClosed { .. })),
        [&Event::ListenerClosed {
            readiness_failed: true
        }]
    );
    assert_eq!(
        record.all(|e| matches!(e, Event::Refused { .. })),
        [&Event::Refused { id: 1 }]
    );
    assert_eq!(
        record.time_of(|e| *e == Event::Completed { id: 0 }),
        Some(ms(1400))
    );
}

/// 5. In-flight work shorter than the deadline completes.
#[tokio::test(start_paused = true)]
async fn s05_in_flight_work_under_the_deadline_completes() {
    let script = Script::new()
        .request(ms(100), ms(200))
        .request(ms(100), ms(900))
        .signal(ms(200), Signal::Terminate);
    let record = conformance::run(script, |ctx| {
        conformance::reference_service(ReferenceConfig::default(), ctx)
    })
    .await;
    assert_eq!(
        record.time_of(|e| *e == Event::Completed { id: 0 }),
        Some(ms(300))
    );
    assert_eq!(
        record.time_of(|e| *e == Event::Completed { id: 1 }),
        Some(ms(1000))
    );
    let report = record.report().unwrap();
    assert_eq!((report.completed, report.aborted.len()), (2, 0));
    assert_eq!(report.drain_time, ms(800));
    assert_eq!(record.exit_code(), Some(0));
}

/// 6. The drain deadline is enforced to the millisecond: with a 1 s deadline from +100 ms, a
/// job ending at +1.099 s completes, one ending at +1.101 s is aborted at +1.100 s.
#[tokio::test(start_paused = true)]
async fn s06_the_drain_deadline_is_enforced_to_the_millisecond() {
    let script = Script::new()
        .request(ms(50), ms(1049))
        .request(ms(50), ms(1051))
        .signal(ms(100), Signal::Terminate);
    let record = conformance::run(script, |ctx| {
        conformance::reference_service(ReferenceConfig::default(), ctx)
    })
    .await;
    assert_eq!(
        record.time_of(|e| *e == Event::Completed { id: 0 }),
        Some(ms(1099))
    );
    assert_eq!(record.time_of(|e| *e == Event::Completed { id: 1 }), None);
    assert_eq!(
        record.time_of(|e| matches!(e, Event::Drained(_))),
        Some(ms(1100))
    );
    let report = record.report().unwrap();
    assert_eq!(report.aborted, [1]);
    assert_eq!(report.drain_time, ms(1000));
}

/// 7. Stragglers are aborted and counted in the report: 5 jobs of 0.2-3 s, deadline 1 s.
#[tokio::test(start_paused = true)]
async fn s07_stragglers_are_aborted_and_counted() {
    let mut script = Script::new();
    for work in [200, 500, 900, 1500, 3000] {
        script = script.request(ms(0), ms(work));
    }
    let record = conformance::run(script.signal(ms(100), Signal::Interrupt), |ctx| {
        conformance::reference_service(ReferenceConfig::default(), ctx)
    })
    .await;
    let report = record.report().unwrap();
    assert_eq!(report.completed, 3);
    assert_eq!(report.aborted, [3, 4]);
    assert!(!report.forced);
    assert_eq!(
        record.time_of(|e| matches!(e, Event::Drained(_))),
        Some(ms(1100))
    );
    assert_eq!(record.exit_code(), Some(0));
}

/// 8. Long-lived streams are told to go away and end; they are not left running, and the drain
/// does not wait for the deadline.
#[tokio::test(start_paused = true)]
async fn s08_long_lived_streams_are_told_to_go_away() {
    let script = Script::new()
        .stream(ms(0))
        .stream(ms(10))
        .signal(ms(1000), Signal::Terminate);
    let record = conformance::run(script, |ctx| {
        conformance::reference_service(ReferenceConfig::default(), ctx)
    })
    .await;
    assert_eq!(
        record.time_of(|e| *e == Event::WentAway { id: 0 }),
        Some(ms(1000))
    );
    assert_eq!(
        record.time_of(|e| *e == Event::WentAway { id: 1 }),
        Some(ms(1000))
    );
    let report = record.report().unwrap();
    assert_eq!((report.completed, report.aborted.len()), (2, 0));
    assert_eq!(report.drain_time, Duration::ZERO);
}

/// 9. The app's own token is cancelled before the drain is awaited: a job that waits only for
/// that token ends at once, even under an hour-long deadline (no self-deadlock).
#[tokio::test(start_paused = true)]
async fn s09_the_app_token_is_cancelled_before_the_drain_is_awaited() {
    let shutdown = Shutdown::new(Duration::from_secs(3600), Probes::new()).unwrap();
    shutdown
        .spawn(|token| async move { token.cancelled().await })
        .unwrap();
    let start = Instant::now();
    let report = shutdown.shutdown().await;
    assert_eq!(start.elapsed(), Duration::ZERO);
    assert_eq!((report.completed, report.aborted.len()), (1, 0));
}

/// 10. Teardown runs in reverse order, every step is attempted, and the first error is returned.
#[tokio::test(start_paused = true)]
async fn s10_teardown_is_reversed_attempts_every_step_returns_the_first_error() {
    let mut config = ReferenceConfig::default();
    config.steps[2].stop_fails = true; // http client: torn down first, fails
    config.steps[1].stop_takes = ms(5000); // cache client: hangs past its 1 s timeout
    let record = conformance::run(Script::new().signal(ms(100), Signal::Terminate), |ctx| {
        conformance::reference_service(config, ctx)
    })
    .await;
    assert_eq!(
        record.all(|e| matches!(e, Event::StepStopped(_))),
        [&Event::StepStopped("db pool")],
        "db pool is still torn down after two failures"
    );
    // The db pool stops after the http client's failure (at once) and the cache's 1 s timeout.
    assert_eq!(
        record.time_of(|e| matches!(e, Event::StepStopped(_))),
        Some(ms(1100))
    );
    assert_eq!(record.exit_code(), Some(1));

    // The same through the lifespan itself, with the errors in hand.
    let mut lifespan = Lifespan::new(ms(1000)).unwrap();
    for name in ["db pool", "cache client", "http client"] {
        lifespan
            .start(
                name,
                async { Ok::<_, std::io::Error>(name) },
                move |name| async move {
                    match name {
                        "http client" => Err(std::io::Error::other("connection reset")),
                        "cache client" => std::future::pending().await,
                        _ => Ok(()),
                    }
                },
            )
            .await
            .unwrap();
    }
    let failed = lifespan.shutdown().await.unwrap_err();
    assert!(matches!(
        failed.first,
        StepError::Failed {
            step: "http client",
            ..
        }
    ));
    assert!(matches!(
        failed.others[..],
        [StepError::TimedOut {
            step: "cache client",
            ..
        }]
    ));
    assert_eq!(
        failed.to_string(),
        "teardown failed: http client failed: connection reset (and 1 more)"
    );
}

/// 11. A startup failure at step k tears down steps k-1..1, in reverse, and the service never
/// becomes ready.
#[tokio::test(start_paused = true)]
async fn s11_a_startup_failure_at_step_k_tears_down_the_steps_before_it() {
    let mut config = ReferenceConfig::default();
    config.steps[2].start_fails = true;
    let record = conformance::run(Script::new().probe(ms(100)), |ctx| {
        conformance::reference_service(config, ctx)
    })
    .await;
    let steps: Vec<String> = record
        .events
        .iter()
        .filter(|(_, e)| {
            matches!(
                e,
                Event::StepStarted(_) | Event::StepFailed(_) | Event::StepStopped(_)
            )
        })
        .map(|(_, e)| e.to_string())
        .collect();
    assert_eq!(
        steps,
        [
            "started db pool",
            "started cache client",
            "http client failed to start",
            "stopped cache client",
            "stopped db pool"
        ]
    );
    assert!(record.position(|e| *e == Event::Ready).is_none());
    assert!(matches!(
        record.all(|e| matches!(e, Event::Probed { .. }))[0],
        Event::Probed { startup: false, .. }
    ));
    assert_eq!(record.exit_code(), Some(1));
}

/// 12. A periodic task stops within one tick of cancellation and does not burst after a stall.
#[tokio::test(start_paused = true)]
async fn s12_a_periodic_task_stops_within_a_tick_and_does_not_burst() {
    let stop = CancellationToken::new();
    let starts = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = starts.clone();
    let start = Instant::now();
    let config = PeriodicConfig {
        period: ms(1000),
        missed_tick: MissedTickBehavior::Skip,
        run_timeout: None,
    };
    let task = PeriodicTask::spawn(config, &stop, move |run| {
        seen.lock().unwrap().push(start.elapsed());
        async move {
            if run == 2 {
                sleep(ms(3500)).await; // a stall over three ticks
            }
            Ok::<(), String>(())
        }
    })
    .unwrap();
    sleep(ms(7300)).await;
    stop.cancel();
    let report = task.shutdown().await.unwrap();
    assert_eq!(
        start.elapsed(),
        ms(7300),
        "stopped at once, well within one tick"
    );
    assert_eq!(
        *starts.lock().unwrap(),
        [ms(0), ms(1000), ms(4500), ms(5000), ms(6000), ms(7000)],
        "one late run at +4.5 s, then back on the grid: no catch-up burst"
    );
    assert_eq!(report.runs, 6);
}

/// 13. A panicking task triggers its configured policy: `Restart` keeps the service serving,
/// `Stop` stops the service.
#[tokio::test(start_paused = true)]
async fn s13_a_panicking_task_triggers_its_policy() {
    let _quiet = testing::QuietPanics::new();
    let worker = |on_panic| FakeWorker {
        panics_after: ms(300),
        supervisor: SupervisorConfig {
            jitter_percent: 0,
            on_panic,
            ..SupervisorConfig::default()
        },
    };

    let config = ReferenceConfig {
        worker: Some(worker(PanicPolicy::Stop)),
        ..ReferenceConfig::default()
    };
    let record = conformance::run(Script::new(), |ctx| {
        conformance::reference_service(config, ctx)
    })
    .await;
    // Ready at +30 ms (three 10 ms steps), the worker panics 300 ms later: the service stops.
    assert_eq!(
        record.time_of(|e| matches!(e, Event::WorkerStopped(_))),
        Some(ms(330))
    );
    assert_eq!(
        record.all(|e| matches!(e, Event::WorkerStopped(_))),
        [&Event::WorkerStopped(
            "stopped on panic: worker crashed".to_owned()
        )]
    );
    assert_eq!(
        record.time_of(|e| matches!(e, Event::Drained(_))),
        Some(ms(330))
    );
    assert_eq!(record.exit_code(), Some(0));

    let config = ReferenceConfig {
        worker: Some(worker(PanicPolicy::Restart)),
        ..ReferenceConfig::default()
    };
    let record = conformance::run(Script::new().signal(ms(1000), Signal::Terminate), |ctx| {
        conformance::reference_service(config, ctx)
    })
    .await;
    // Runs start at +30, +430 (300 + 100 backoff), +930 (300 + 200): still serving at +1 s.
    let runs: Vec<_> = record
        .events
        .iter()
        .filter(|(_, e)| matches!(e, Event::WorkerStarted { .. }))
        .map(|(at, _)| *at)
        .collect();
    assert_eq!(runs, [ms(30), ms(430), ms(930)]);
    assert_eq!(
        record.time_of(|e| matches!(e, Event::Drained(_))),
        Some(ms(1000))
    );
}

/// 14. Restart backoff instants are exact; the supervisor gives up after N restarts in T; the
/// failure streak resets after a healthy run.
#[tokio::test(start_paused = true)]
async fn s14_backoff_is_exact_gives_up_after_n_in_t_and_resets_after_health() {
    let config = SupervisorConfig {
        initial_backoff: ms(100),
        max_backoff: ms(1000),
        jitter_percent: 20,
        seed: 7,
        max_restarts: 3,
        window: Duration::from_secs(10),
        healthy_after: Duration::from_secs(5),
        on_panic: PanicPolicy::Restart,
    };
    let mut expected = Backoff::new(&config);
    let (d1, d2) = (expected.delay(1), expected.delay(2));
    // After the healthy run, the streak starts again at 1: the third delay is a streak-1 delay.
    let (d3, d4, d5) = (expected.delay(1), expected.delay(2), expected.delay(3));
    let starts = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = starts.clone();
    let origin = Instant::now();
    let mut run = 0;
    let supervised = Supervised::spawn(config, move || {
        run += 1;
        seen.lock().unwrap().push(origin.elapsed());
        // Runs 1-2 crash at once, run 3 is healthy for 20 s, runs 4-7 crash at once.
        let lasts = if run == 3 { ms(20_000) } else { Duration::ZERO };
        async move {
            sleep(lasts).await;
            Err::<(), String>(format!("run {run} crashed"))
        }
    })
    .unwrap();
    let exit = supervised.join().await;
    let starts = starts.lock().unwrap().clone();
    let healthy_end = d1 + d2 + ms(20_000);
    assert_eq!(
        starts,
        [
            Duration::ZERO,
            d1,
            d1 + d2,
            healthy_end + d3,
            healthy_end + d3 + d4,
            healthy_end + d3 + d4 + d5,
        ]
    );
    assert!(
        d3 <= ms(100) && d3 >= ms(80),
        "a fresh streak starts from 100 ms: {d3:?}"
    );
    let Exit::GaveUp { restarts, last, .. } = exit else {
        panic!("gives up: {exit:?}")
    };
    assert_eq!(restarts, 3);
    assert_eq!(last.to_string(), "error: run 6 crashed");

    // The window T to the millisecond: restarts at +0.1, +0.3, +0.7 s (no jitter); run 4 fails
    // at +0.7 s + `lasts`. At +10.1 s the first restart is exactly 10 s old and no longer
    // counts, so run 5 is started; 1 ms earlier it still counts and the supervisor gives up.
    let window_edge = |lasts: Duration| async move {
        let config = SupervisorConfig {
            jitter_percent: 0,
            max_restarts: 3,
            window: Duration::from_secs(10),
            healthy_after: Duration::from_secs(3600),
            ..SupervisorConfig::default()
        };
        let mut run = 0;
        let supervised = Supervised::spawn(config, move || {
            run += 1;
            async move {
                match run {
                    4 => sleep(lasts).await,
                    5 => return Ok(()),
                    _ => {}
                }
                Err::<(), String>(format!("run {run} crashed"))
            }
        })
        .unwrap();
        supervised.join().await
    };
    let exit = window_edge(ms(9400)).await;
    assert!(matches!(exit, Exit::Completed { runs: 5 }), "{exit:?}");
    let exit = window_edge(ms(9399)).await;
    assert!(matches!(exit, Exit::GaveUp { restarts: 3, .. }), "{exit:?}");
}

/// 15. The health aggregate: a per-check timeout (a timed-out check fails with its elapsed
/// time), Degraded for optional checks, a verbose report.
#[tokio::test(start_paused = true)]
async fn s15_health_aggregate_timeout_degraded_and_verbose_report() {
    let checks = HealthChecks::new(ms(500))
        .unwrap()
        .required("db", || async {
            sleep(ms(20)).await;
            Ok::<(), String>(())
        })
        .optional("upstream", || async { Err::<(), _>("connection refused") });
    let start = Instant::now();
    let report = checks.check().await;
    assert_eq!(report.status, Health::Degraded);
    assert_eq!(start.elapsed(), ms(20));

    let checks = checks.required("cache", || async {
        sleep(ms(2000)).await;
        Ok::<(), String>(())
    });
    let report = checks.check().await;
    assert_eq!(report.status, Health::Unhealthy);
    assert_eq!(report.checks[2].elapsed, ms(500));
    assert_eq!(
        report.to_string(),
        "unhealthy\n  \
         db        required  passed     0.02 s\n  \
         upstream  optional  failed     0.00 s: connection refused\n  \
         cache     required  timed out  0.50 s"
    );
}

/// 16. The startup probe fails until the lifespan is done, then liveness and readiness pass.
#[tokio::test(start_paused = true)]
async fn s16_startup_fails_until_the_lifespan_is_done_then_all_pass() {
    let config = ReferenceConfig::slow_startup();
    let script = Script::new()
        .probe(ms(0))
        .probe(ms(299))
        .probe(ms(301))
        .signal(ms(400), Signal::Terminate);
    let record = conformance::run(script, |ctx| conformance::reference_service(config, ctx)).await;
    let probed = |startup, readiness| Event::Probed {
        startup,
        liveness: true,
        readiness,
    };
    assert_eq!(
        record.all(|e| matches!(e, Event::Probed { .. })),
        [
            &probed(false, false),
            &probed(false, false),
            &probed(true, true)
        ]
    );
    assert_eq!(record.time_of(|e| *e == Event::Ready), Some(ms(300)));
}
