//! Graceful shutdown on the paused clock: readiness first, jobs under the deadline finish,
//! stragglers aborted and counted, a second signal forces the exit, bad input refused.

use std::time::Duration;

use basics::ConfigError;
use futures::StreamExt as _;
use production::{Closed, Phase, Probes, Shutdown, Signal, scripted_signals, serve_until_stopped};
use testing::ms;
use tokio::time::{Instant, sleep};

#[test]
fn a_zero_drain_deadline_is_refused() {
    let refused = Shutdown::new(Duration::ZERO, Probes::new()).unwrap_err();
    assert_eq!(
        refused,
        ConfigError::Zero {
            name: "drain_deadline"
        }
    );
    assert!(matches!(
        Shutdown::new(Duration::MAX, Probes::new()),
        Err(ConfigError::TooLong {
            name: "drain_deadline",
            ..
        })
    ));
}

#[tokio::test(start_paused = true)]
async fn close_turns_readiness_off_before_the_token_is_seen_and_refuses_new_jobs() {
    let probes = Probes::new();
    probes.mark_started();
    let shutdown = Shutdown::new(ms(1000), probes.clone()).unwrap();
    let listener = shutdown.clone();
    let seen = tokio::spawn(async move {
        listener.token().cancelled().await;
        listener.probes().readiness()
    });
    assert!(shutdown.close());
    assert!(!shutdown.close(), "only the first call closes");
    assert_eq!(probes.phase(), Phase::Draining);
    let at_listener = seen.await.unwrap().unwrap_err();
    assert_eq!(at_listener.phase, Phase::Draining);
    assert_eq!(shutdown.spawn(|_| async {}), Err(Closed));
}

#[tokio::test(start_paused = true)]
async fn jobs_under_the_deadline_finish_and_stragglers_are_counted() {
    let shutdown = Shutdown::new(ms(1000), Probes::new()).unwrap();
    for work in [200, 500, 900, 1500, 3000] {
        shutdown
            .spawn(move |_| async move { sleep(ms(work)).await })
            .unwrap();
    }
    let start = Instant::now();
    let report = shutdown.clone().shutdown().await;
    assert_eq!(start.elapsed(), ms(1000));
    assert_eq!(report.completed, 3);
    assert_eq!(report.aborted, [3, 4]);
    assert!(!report.forced && !report.is_clean());
    assert_eq!(shutdown.probes().phase(), Phase::Stopped);
    assert_eq!(
        report.to_string(),
        "3 completed, 2 aborted [3, 4], 0 panicked, drained after 1.000 s"
    );
}

#[tokio::test(start_paused = true)]
async fn a_drain_with_nothing_in_flight_returns_at_once() {
    let shutdown = Shutdown::new(ms(1000), Probes::new()).unwrap();
    let start = Instant::now();
    let report = shutdown.shutdown().await;
    assert_eq!(start.elapsed(), Duration::ZERO);
    assert!(report.is_clean());
}

#[tokio::test(start_paused = true)]
async fn a_panicking_job_is_counted_and_goes_no_further() {
    let _quiet = testing::QuietPanics::new();
    let shutdown = Shutdown::new(ms(1000), Probes::new()).unwrap();
    shutdown.spawn(|_| async { panic!("job bug") }).unwrap();
    shutdown.spawn(|_| sleep(ms(10))).unwrap();
    let report = shutdown.shutdown().await;
    assert_eq!((report.completed, report.panicked), (1, 1));
}

#[tokio::test(start_paused = true)]
async fn a_job_closure_that_panics_when_called_is_counted_too() {
    let _quiet = testing::QuietPanics::new();
    let shutdown = Shutdown::new(ms(1000), Probes::new()).unwrap();
    // The closure panics before it returns a future: still the job's panic, not the caller's.
    let index = shutdown.spawn(|_| -> std::future::Ready<()> { panic!("bad setup") });
    assert_eq!(index, Ok(0));
    assert_eq!(shutdown.spawn(|_| sleep(ms(10))), Ok(1));
    let report = shutdown.shutdown().await;
    assert_eq!((report.completed, report.panicked), (1, 1));
}

#[tokio::test(start_paused = true)]
async fn a_second_signal_forces_the_exit_at_that_instant() {
    let shutdown = Shutdown::new(ms(5000), Probes::new()).unwrap();
    shutdown.spawn(|_| sleep(ms(10_000))).unwrap();
    let stops = scripted_signals(vec![
        (ms(100), Signal::Terminate),
        (ms(250), Signal::Interrupt),
    ]);
    let start = Instant::now();
    let stopped = serve_until_stopped(shutdown, stops).await;
    assert_eq!(start.elapsed(), ms(250));
    assert_eq!(stopped.by, Some(Signal::Terminate));
    assert_eq!(stopped.forced_by, Some(Signal::Interrupt));
    assert_eq!(stopped.report.aborted, [0]);
    assert!(stopped.report.forced);
    assert_eq!(stopped.exit_code(), 130);
}

#[tokio::test(start_paused = true)]
async fn a_stop_stream_that_ends_asks_for_shutdown_and_never_forces() {
    let shutdown = Shutdown::new(ms(1000), Probes::new()).unwrap();
    shutdown.spawn(|_| sleep(ms(300))).unwrap();
    let stopped = serve_until_stopped(shutdown, futures::stream::empty()).await;
    assert_eq!(stopped.by, None);
    assert_eq!(stopped.forced_by, None);
    assert_eq!(stopped.report.completed, 1);
    assert_eq!(stopped.exit_code(), 0);
}

#[tokio::test(start_paused = true)]
async fn the_service_can_close_itself_instead_of_waiting_for_a_signal() {
    let shutdown = Shutdown::new(ms(1000), Probes::new()).unwrap();
    let inside = shutdown.clone();
    tokio::spawn(async move {
        sleep(ms(40)).await;
        inside.close();
    });
    let start = Instant::now();
    let stopped = serve_until_stopped(shutdown, futures::stream::pending()).await;
    assert_eq!(start.elapsed(), ms(40));
    assert_eq!(stopped.by, None);
}

#[tokio::test(start_paused = true)]
async fn scripted_signals_arrive_at_their_instants_then_stay_pending() {
    let start = Instant::now();
    let mut stops = scripted_signals(vec![
        (ms(100), Signal::Interrupt),
        (ms(300), Signal::Terminate),
    ]);
    assert_eq!(stops.next().await, Some(Signal::Interrupt));
    assert_eq!(start.elapsed(), ms(100));
    assert_eq!(stops.next().await, Some(Signal::Terminate));
    assert_eq!(start.elapsed(), ms(300));
    let more = tokio::time::timeout(ms(10_000), stops.next()).await;
    assert!(more.is_err(), "pending forever, not ended");
}

#[test]
fn signals_have_names_and_shell_exit_codes() {
    assert_eq!(Signal::Interrupt.to_string(), "SIGINT");
    assert_eq!(Signal::Terminate.exit_code(), 143);
}
