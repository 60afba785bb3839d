//! Graceful shutdown on the paused clock: readiness first, jobs under the deadline finish,
//! stragglers aborted and counted, a second signal forces the exit, bad input refused.

use std::sync::mpsc;
use std::time::Duration;

use basics::ConfigError;
use futures::StreamExt as _;
use production::{Closed, Phase, Probes, Shutdown, Signal, scripted_signals, serve_until_stopped};
use testing::ms;
use tokio::sync::oneshot;
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
        "3 completed, 2 aborted [3, 4], 0 panicked, drained after 1.00 s"
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

#[tokio::test(start_paused = true)]
async fn dropping_every_handle_aborts_the_jobs_at_once() {
    let shutdown = Shutdown::new(ms(1000), Probes::new()).unwrap();
    let clone = shutdown.clone();
    // The job holds `alive` (a drop guard): the receiver hears of it when the job is dropped.
    let (alive, dropped) = oneshot::channel::<()>();
    let (finished_tx, mut finished) = oneshot::channel::<()>();
    shutdown
        .spawn(move |_| async move {
            let _alive = alive;
            sleep(ms(10_000)).await;
            let _ = finished_tx.send(());
        })
        .unwrap();
    let start = Instant::now();
    drop(shutdown);
    sleep(ms(100)).await;
    assert!(!clone.is_closed(), "one handle is left: nothing stops");
    drop(clone);
    assert!(dropped.await.is_err(), "the job was dropped, not finished");
    assert_eq!(
        start.elapsed(),
        ms(100),
        "aborted when the last handle went"
    );
    assert!(finished.try_recv().is_err());
}

#[tokio::test(start_paused = true)]
async fn a_spawn_that_passed_the_check_before_close_is_tracked_by_the_drain() {
    // `spawn` on another thread is held inside the job's closure (after the "closed?" check,
    // before the job runs) while this thread closes and drains.
    let shutdown = Shutdown::new(ms(1000), Probes::new()).unwrap();
    let (inside_tx, inside) = tokio::sync::oneshot::channel::<()>();
    let (go, go_rx) = mpsc::channel::<()>();
    let (spawned_tx, spawned) = mpsc::channel();
    let runtime = tokio::runtime::Handle::current();
    let spawner = shutdown.clone();
    let thread = std::thread::spawn(move || {
        let _entered = runtime.enter();
        let index = spawner.spawn(move |_| {
            inside_tx.send(()).unwrap();
            go_rx.recv().unwrap();
            std::future::ready(())
        });
        spawned_tx.send(index).unwrap();
    });
    // No timer is pending yet, so awaiting here cannot move the paused clock.
    inside.await.unwrap();
    let start = Instant::now();
    let drain = tokio::spawn(shutdown.clone().shutdown());
    sleep(ms(500)).await;
    assert!(shutdown.is_closed());
    assert_eq!(
        shutdown.spawn(|_| async {}),
        Err(Closed),
        "refused after close"
    );
    assert!(
        !drain.is_finished(),
        "the drain waits for the job being spawned"
    );
    go.send(()).unwrap();
    // A `spawn_blocking` job in flight stops the paused clock's auto-advance, so the drain's
    // deadline cannot fire while `spawn` on the other thread returns.
    let index = tokio::task::spawn_blocking(move || spawned.recv().unwrap())
        .await
        .unwrap();
    assert_eq!(index, Ok(0));
    let report = drain.await.unwrap();
    assert_eq!((report.completed, report.aborted.len()), (1, 0));
    assert_eq!(start.elapsed(), ms(500));
    tokio::task::spawn_blocking(move || thread.join().unwrap())
        .await
        .unwrap();
}

/// Many spawns race a shutdown on a multi-thread runtime: every `Ok` is in the report and
/// every `spawn` after `close` is refused. Bounded: 20 rounds of at most 4 x 2000 spawns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_many_threads_every_accepted_job_is_counted_by_the_drain() {
    for _round in 0..20 {
        // No timer runs out: the jobs only yield, so the drain ends when they do.
        let shutdown = Shutdown::new(Duration::from_secs(3600), Probes::new()).unwrap();
        let spawners: Vec<_> = (0..4)
            .map(|_| {
                let shutdown = shutdown.clone();
                tokio::spawn(async move {
                    let mut accepted = 0;
                    for _ in 0..2000 {
                        match shutdown.spawn(|_| tokio::task::yield_now()) {
                            Ok(_index) => accepted += 1,
                            Err(Closed) => break,
                        }
                    }
                    accepted
                })
            })
            .collect();
        tokio::task::yield_now().await;
        let report = shutdown.clone().shutdown().await;
        assert_eq!(shutdown.spawn(|_| async {}), Err(Closed));
        let mut accepted = 0;
        for spawner in spawners {
            accepted += spawner.await.unwrap();
        }
        assert_eq!(report.completed + report.aborted.len(), accepted);
        assert_eq!(report.panicked, 0);
    }
}
