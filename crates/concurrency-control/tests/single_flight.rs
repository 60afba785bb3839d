//! Single flight: 100 concurrent misses, one fetch; errors and panics reach every waiter; a
//! cancelled leader does not strand the others; when every caller leaves, the fetch is aborted.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use concurrency_control::{FlightError, SingleFlight};
use testing::{QuietPanics, ms};
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn a_hundred_concurrent_misses_cause_one_fetch_and_all_get_the_value() {
    let flights = SingleFlight::<&str, u64, String>::new();
    let fetches = AtomicU32::new(0);
    let start = Instant::now();
    let get = || {
        flights.get("k", || {
            fetches.fetch_add(1, Ordering::SeqCst);
            async {
                sleep(ms(200)).await;
                Ok(42)
            }
        })
    };
    let answers = futures::future::join_all((0..100).map(|_| get())).await;
    assert!(answers.iter().all(|a| matches!(a, Ok(42))));
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert_eq!(start.elapsed(), ms(200));
    assert_eq!(
        flights.in_flight(),
        0,
        "the entry is removed when the flight lands"
    );
    // A later miss fetches again: this is deduplication, not a cache.
    assert!(matches!(get().await, Ok(42)));
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn an_error_reaches_every_waiting_caller() {
    let flights = SingleFlight::<u8, u8, String>::new();
    let fetches = AtomicU32::new(0);
    let get = || {
        flights.get(1, || {
            fetches.fetch_add(1, Ordering::SeqCst);
            async {
                sleep(ms(50)).await;
                Err("backend down".to_owned())
            }
        })
    };
    let answers = futures::future::join_all((0..10).map(|_| get())).await;
    assert!(
        answers
            .iter()
            .all(|a| matches!(a, Err(FlightError::Fetch(e)) if e == "backend down"))
    );
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "one failed fetch, shared"
    );
    assert_eq!(flights.in_flight(), 0, "a failed flight is not kept");
}

/// A caller of key `key` whose fetch counts itself in `fetches` and answers `value` after
/// `latency`.
fn caller(
    flights: &SingleFlight<u8, u8, String>,
    fetches: &Arc<AtomicU32>,
    key: u8,
    value: u8,
    latency: Duration,
) -> impl Future<Output = Result<u8, FlightError<String>>> + Send + 'static {
    let (flights, fetches) = (flights.clone(), Arc::clone(fetches));
    async move {
        flights
            .get(key, move || {
                fetches.fetch_add(1, Ordering::SeqCst);
                async move {
                    sleep(latency).await;
                    Ok(value)
                }
            })
            .await
    }
}

#[tokio::test(start_paused = true)]
async fn if_the_leader_is_cancelled_the_others_still_get_an_answer() {
    let flights = SingleFlight::new();
    let fetches = Arc::new(AtomicU32::new(0));
    let leader = tokio::spawn(caller(&flights, &fetches, 7, 99, ms(300)));
    sleep(ms(10)).await;
    let followers: Vec<_> = (0..5)
        .map(|_| tokio::spawn(caller(&flights, &fetches, 7, 99, ms(300))))
        .collect();
    sleep(ms(10)).await;
    leader.abort();
    assert!(leader.await.expect_err("aborted").is_cancelled());
    let start = Instant::now();
    for follower in followers {
        assert!(matches!(follower.await.expect("no panic"), Ok(99)));
    }
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "the flight was not restarted"
    );
    assert_eq!(start.elapsed(), ms(280), "it kept its progress");
}

#[tokio::test(start_paused = true)]
async fn different_keys_fly_separately() {
    let flights = SingleFlight::<u8, u8, ()>::new();
    let fetches = &AtomicU32::new(0);
    let get = |key| {
        flights.get(key, move || {
            fetches.fetch_add(1, Ordering::SeqCst);
            async move {
                sleep(ms(10)).await;
                Ok(key)
            }
        })
    };
    let (a, b, c) = tokio::join!(get(1), get(2), get(1));
    assert_eq!((a.ok(), b.ok(), c.ok()), (Some(1), Some(2), Some(1)));
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn when_every_caller_is_cancelled_the_fetch_is_aborted_and_no_entry_is_left() {
    let flights = SingleFlight::<u8, u8, String>::new();
    let alive = Arc::new(());
    let callers: Vec<_> = (0..3)
        .map(|_| {
            let (flights, token) = (flights.clone(), Arc::clone(&alive));
            tokio::spawn(async move {
                flights
                    .get(3, move || async move {
                        let _held = token;
                        sleep(ms(300)).await;
                        Ok(1)
                    })
                    .await
            })
        })
        .collect();
    sleep(ms(10)).await;
    assert_eq!(flights.in_flight(), 1);
    for caller in &callers {
        caller.abort();
    }
    for caller in callers {
        assert!(caller.await.expect_err("aborted").is_cancelled());
    }
    assert_eq!(flights.in_flight(), 0, "the abandoned flight was removed");
    // The callers' closures are gone with their tasks; a fetch still running would hold a token.
    tokio::task::yield_now().await;
    assert_eq!(Arc::strong_count(&alive), 1, "the fetch task was aborted");
    // The next miss starts a new, whole fetch.
    let fetches = Arc::new(AtomicU32::new(0));
    let start = Instant::now();
    assert!(matches!(
        caller(&flights, &fetches, 3, 1, ms(300)).await,
        Ok(1)
    ));
    assert_eq!(start.elapsed(), ms(300));
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert_eq!(flights.in_flight(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_fetch_reaches_every_caller_and_does_not_poison_the_key() {
    let _quiet = QuietPanics::new();
    let flights = SingleFlight::<u8, u8, String>::new();
    let crash = || {
        flights.get(5, || async {
            sleep(ms(10)).await;
            panic!("the fetch has a bug")
        })
    };
    let (a, b) = tokio::join!(crash(), crash());
    for outcome in [a, b] {
        let Err(FlightError::Failed(failed)) = outcome else {
            panic!("the panic is reported, not raised: {outcome:?}");
        };
        assert!(failed.is_panic());
        assert_eq!(failed.to_string(), "task 0 panicked: the fetch has a bug");
    }
    assert_eq!(flights.in_flight(), 0, "the failed flight was removed");
    let answer = flights.get(5, || async { Ok(8) }).await;
    assert!(matches!(answer, Ok(8)), "the next caller fetches afresh");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiter_wakes_when_the_fetch_panics_on_another_thread() {
    // Issue 10, item 1. The fetch signals that it is being polled, then blocks its worker until
    // a second caller has joined the flight and parked on it, then panics. With the fetch
    // shared as a `futures::Shared`, the panic poisoned the flight and the parked caller was
    // never woken. The bound is real time because this runtime is not paused.
    let _quiet = QuietPanics::new();
    let flights = SingleFlight::<u8, u8, String>::new();
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let (joined_tx, joined_rx) = std::sync::mpsc::channel::<()>();
    let leader = tokio::spawn({
        let flights = flights.clone();
        async move {
            flights
                .get(1, move || async move {
                    let _ = started_tx.send(());
                    // Hold this worker inside the fetch's poll until the follower has joined.
                    tokio::task::block_in_place(|| joined_rx.recv()).expect("the follower joins");
                    panic!("the fetch has a bug")
                })
                .await
        }
    });
    started_rx.await.expect("the fetch starts");
    let mut follower = std::pin::pin!(flights.get(1, || async { Ok(0) }));
    assert!(
        futures::poll!(follower.as_mut()).is_pending(),
        "it joined the flight"
    );
    joined_tx.send(()).expect("the fetch waits for this");
    let woke = tokio::time::timeout(Duration::from_secs(5), follower)
        .await
        .expect("the waiter was woken");
    assert!(matches!(woke, Err(FlightError::Failed(failed)) if failed.is_panic()));
    let leader = leader.await.expect("the leader does not panic");
    assert!(matches!(leader, Err(FlightError::Failed(failed)) if failed.is_panic()));
    assert_eq!(flights.in_flight(), 0);
}

#[test]
fn a_fetch_closure_may_use_the_same_single_flight() {
    // Issue 10, item 2: the closure reads `in_flight()`, which locks the map; it used to run
    // under that lock and deadlock its thread. The bound is real time because a deadlocked
    // thread cannot be timed out from inside.
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let flights = SingleFlight::<u8, usize, String>::new();
        let answer = testing::paused_runtime().block_on(flights.get(1, || {
            let seen = flights.in_flight();
            async move { Ok(seen) }
        }));
        let _ = done_tx.send(answer.ok());
    });
    let answer = done_rx
        .recv_timeout(Duration::from_secs(5))
        .expect("the closure did not deadlock");
    assert_eq!(
        answer,
        Some(0),
        "the closure runs before its flight is listed"
    );
}
