//! Single flight: 100 concurrent misses, one fetch; errors reach every waiter; a cancelled
//! leader does not strand the others.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use concurrency_control::SingleFlight;
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
                sleep(Duration::from_millis(200)).await;
                Ok(42)
            }
        })
    };
    let answers = futures::future::join_all((0..100).map(|_| get())).await;
    assert!(answers.iter().all(|a| *a == Ok(42)));
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert_eq!(start.elapsed(), Duration::from_millis(200));
    assert_eq!(
        flights.in_flight(),
        0,
        "the entry is removed when the flight lands"
    );
    // A later miss fetches again: this is deduplication, not a cache.
    assert_eq!(get().await, Ok(42));
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
                sleep(Duration::from_millis(50)).await;
                Err("backend down".to_owned())
            }
        })
    };
    let answers = futures::future::join_all((0..10).map(|_| get())).await;
    assert!(answers.iter().all(|a| *a == Err("backend down".to_owned())));
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "one failed fetch, shared"
    );
    assert_eq!(flights.in_flight(), 0, "a failed flight is not kept");
}

#[tokio::test(start_paused = true)]
async fn if_the_leader_is_cancelled_the_others_still_get_an_answer() {
    let flights = Arc::new(SingleFlight::<u8, u8, String>::new());
    let fetches = Arc::new(AtomicU32::new(0));
    let get = |flights: Arc<SingleFlight<u8, u8, String>>| {
        let fetches = Arc::clone(&fetches);
        async move {
            flights
                .get(7, move || {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    async {
                        sleep(Duration::from_millis(300)).await;
                        Ok(99)
                    }
                })
                .await
        }
    };
    let leader = tokio::spawn(get(Arc::clone(&flights)));
    sleep(Duration::from_millis(10)).await;
    let followers: Vec<_> = (0..5)
        .map(|_| tokio::spawn(get(Arc::clone(&flights))))
        .collect();
    sleep(Duration::from_millis(10)).await;
    leader.abort();
    assert!(leader.await.expect_err("aborted").is_cancelled());
    let start = Instant::now();
    for follower in followers {
        assert_eq!(follower.await.expect("no panic"), Ok(99));
    }
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "the flight was not restarted"
    );
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(280),
        "it kept its progress"
    );
}

#[tokio::test(start_paused = true)]
async fn different_keys_fly_separately() {
    let flights = SingleFlight::<u8, u8, ()>::new();
    let fetches = &AtomicU32::new(0);
    let get = |key| {
        flights.get(key, move || {
            fetches.fetch_add(1, Ordering::SeqCst);
            async move {
                sleep(Duration::from_millis(10)).await;
                Ok(key)
            }
        })
    };
    let (a, b, c) = tokio::join!(get(1), get(2), get(1));
    assert_eq!((a, b, c), (Ok(1), Ok(2), Ok(1)));
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn when_every_caller_is_cancelled_no_entry_is_left_behind() {
    let flights = Arc::new(SingleFlight::<u8, u8, String>::new());
    let fetches = Arc::new(AtomicU32::new(0));
    let get = |flights: Arc<SingleFlight<u8, u8, String>>| {
        let fetches = Arc::clone(&fetches);
        async move {
            flights
                .get(3, move || {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    async {
                        sleep(Duration::from_millis(300)).await;
                        Ok(1)
                    }
                })
                .await
        }
    };
    let callers: Vec<_> = (0..3)
        .map(|_| tokio::spawn(get(Arc::clone(&flights))))
        .collect();
    sleep(Duration::from_millis(10)).await;
    assert_eq!(flights.in_flight(), 1);
    for caller in &callers {
        caller.abort();
    }
    for caller in callers {
        assert!(caller.await.expect_err("aborted").is_cancelled());
    }
    assert_eq!(flights.in_flight(), 0, "the abandoned flight was removed");
    // The next miss starts a new, whole fetch.
    let start = Instant::now();
    assert_eq!(get(Arc::clone(&flights)).await, Ok(1));
    assert_eq!(start.elapsed(), Duration::from_millis(300));
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    assert_eq!(flights.in_flight(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_fetch_does_not_poison_the_key() {
    let flights = Arc::new(SingleFlight::<u8, u8, String>::new());
    let crashed = tokio::spawn({
        let flights = Arc::clone(&flights);
        async move {
            flights
                .get(5, || async {
                    sleep(Duration::from_millis(10)).await;
                    panic!("the fetch has a bug")
                })
                .await
        }
    });
    assert!(crashed.await.expect_err("it panicked").is_panic());
    assert_eq!(flights.in_flight(), 0, "the poisoned flight was removed");
    let answer = flights.get(5, || async { Ok(8) }).await;
    assert_eq!(answer, Ok(8), "the next caller fetches afresh");
}
