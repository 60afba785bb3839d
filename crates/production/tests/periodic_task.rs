//! Periodic task on the paused clock: runs on the interval's grid, Burst's catch-up storm vs
//! Delay and Skip, errors and panics isolated, a timeout per run, a prompt stop, bad input.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use basics::ConfigError;
use production::{PeriodicConfig, PeriodicTask, RunError};
use testing::ms;
use tokio::time::{Instant, MissedTickBehavior, sleep};
use tokio_util::sync::CancellationToken;

type Starts = Arc<Mutex<Vec<Duration>>>;

fn config(missed_tick: MissedTickBehavior, run_timeout: Option<Duration>) -> PeriodicConfig {
    PeriodicConfig {
        period: ms(1000),
        missed_tick,
        run_timeout,
    }
}

/// Runs for `for_ms` with run 2 stalling 3.5 s and run 3 failing; returns the start times.
async fn starts_under(missed_tick: MissedTickBehavior, for_ms: u64) -> Vec<Duration> {
    let stop = CancellationToken::new();
    let starts = Starts::default();
    let seen = Arc::clone(&starts);
    let origin = Instant::now();
    let task = PeriodicTask::spawn(config(missed_tick, None), &stop, move |run| {
        seen.lock().unwrap().push(origin.elapsed());
        async move {
            if run == 2 {
                sleep(ms(3500)).await;
            }
            if run == 3 { Err("boom") } else { Ok(()) }
        }
    })
    .unwrap();
    sleep(ms(for_ms)).await;
    let report = task.shutdown().await.unwrap();
    assert_eq!(
        report.failed, 1,
        "run 3's error is counted, the loop goes on"
    );
    starts.lock().unwrap().clone()
}

#[test]
fn a_zero_period_or_run_timeout_is_refused() {
    let runtime = testing::paused_runtime();
    runtime.block_on(async {
        let stop = CancellationToken::new();
        let job = |_| async { Ok::<(), String>(()) };
        let zero = PeriodicConfig {
            period: Duration::ZERO,
            ..config(MissedTickBehavior::Skip, None)
        };
        assert_eq!(
            PeriodicTask::spawn(zero, &stop, job).unwrap_err(),
            ConfigError::Zero { name: "period" }
        );
        let zero = config(MissedTickBehavior::Skip, Some(Duration::ZERO));
        assert_eq!(
            PeriodicTask::spawn(zero, &stop, job).unwrap_err(),
            ConfigError::Zero {
                name: "run_timeout"
            }
        );
    });
}

#[tokio::test(start_paused = true)]
async fn burst_catches_up_in_a_storm_delay_and_skip_do_not() {
    let s = |v: &[u64]| v.iter().map(|&m| ms(m)).collect::<Vec<_>>();
    // The stall ends at +4.5 s; ticks at +2, +3 and +4 s were missed.
    assert_eq!(
        starts_under(MissedTickBehavior::Burst, 6200).await,
        s(&[0, 1000, 4500, 4500, 4500, 5000, 6000]),
        "burst: three runs at +4.5 s, back to back"
    );
    assert_eq!(
        starts_under(MissedTickBehavior::Delay, 6200).await,
        s(&[0, 1000, 4500, 5500]),
        "delay: the grid restarts from +4.5 s"
    );
    assert_eq!(
        starts_under(MissedTickBehavior::Skip, 6200).await,
        s(&[0, 1000, 4500, 5000, 6000]),
        "skip: one late run, then back on the +1 s grid"
    );
}

#[tokio::test(start_paused = true)]
async fn a_run_over_its_timeout_is_dropped_and_counted() {
    let stop = CancellationToken::new();
    let task = PeriodicTask::spawn(
        config(MissedTickBehavior::Skip, Some(ms(300))),
        &stop,
        |run| async move {
            sleep(if run == 2 { ms(5000) } else { ms(10) }).await;
            Ok::<(), String>(())
        },
    )
    .unwrap();
    sleep(ms(2500)).await;
    let report = task.shutdown().await.unwrap();
    assert_eq!((report.runs, report.succeeded, report.timed_out), (3, 2, 1));
    assert!(
        matches!(report.last_error, Some(RunError::TimedOut { run: 2, limit }) if limit == ms(300))
    );
}

#[tokio::test(start_paused = true)]
async fn a_panicking_run_is_isolated() {
    let _quiet = testing::QuietPanics::new();
    let stop = CancellationToken::new();
    let task = PeriodicTask::spawn(
        config(MissedTickBehavior::Skip, None),
        &stop,
        |run| async move {
            if run == 1 {
                panic!("run 1 bug");
            }
            Ok::<(), String>(())
        },
    )
    .unwrap();
    sleep(ms(2500)).await;
    let report = task.shutdown().await.unwrap();
    assert_eq!((report.runs, report.panicked, report.succeeded), (3, 1, 2));
    assert_eq!(
        report.to_string(),
        "3 runs: 2 ok, 0 failed, 0 timed out, 1 panicked"
    );
}

#[tokio::test(start_paused = true)]
async fn cancellation_stops_the_loop_at_once_even_mid_run() {
    let stop = CancellationToken::new();
    let task = PeriodicTask::spawn(config(MissedTickBehavior::Skip, None), &stop, |_| async {
        sleep(ms(700)).await;
        Ok::<(), String>(())
    })
    .unwrap();
    sleep(ms(1200)).await; // run 2 started at +1.0 s, is mid-way
    let start = Instant::now();
    stop.cancel();
    let report = task.shutdown().await.unwrap();
    assert_eq!(start.elapsed(), Duration::ZERO);
    assert!(report.cut_short);
    assert_eq!((report.runs, report.succeeded), (2, 1));
}

#[tokio::test(start_paused = true)]
async fn close_stops_only_this_task_and_returns_whether_it_stopped_it() {
    let stop = CancellationToken::new();
    let job = |_| async { Ok::<(), String>(()) };
    let first = PeriodicTask::spawn(config(MissedTickBehavior::Skip, None), &stop, job).unwrap();
    let second = PeriodicTask::spawn(config(MissedTickBehavior::Skip, None), &stop, job).unwrap();
    sleep(ms(1500)).await;
    assert!(first.close());
    assert!(!first.close());
    sleep(ms(1000)).await;
    assert_eq!(first.shutdown().await.unwrap().runs, 2);
    assert_eq!(second.shutdown().await.unwrap().runs, 3);
    assert!(
        !stop.is_cancelled(),
        "closing a task does not cancel its parent token"
    );
}

#[test]
fn close_from_many_threads_at_once_says_true_exactly_once() {
    // Checking the token and cancelling it are two steps; two threads closing at once must not
    // both hear "this call stopped it".
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    for _ in 0..50 {
        let stop = CancellationToken::new();
        let task = runtime.block_on(async {
            PeriodicTask::spawn(config(MissedTickBehavior::Skip, None), &stop, |_| async {
                Ok::<(), String>(())
            })
            .unwrap()
        });
        let task = Arc::new(task);
        let closers: Vec<_> = (0..4)
            .map(|_| {
                let task = Arc::clone(&task);
                std::thread::spawn(move || task.close())
            })
            .collect();
        let stopped: usize = closers
            .into_iter()
            .map(|closer| usize::from(closer.join().unwrap()))
            .sum();
        assert_eq!(stopped, 1);
    }
}
