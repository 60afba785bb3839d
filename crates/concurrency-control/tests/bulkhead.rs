//! The bulkhead (★ defect 5): running and waiting counted apart, no waiting room still runs up to
//! the limit, a full room rejects at once, a long wait times out.

use std::time::Duration;

use basics::ConfigError;
use basics::config::{MAX_CAPACITY, MAX_DURATION};
use concurrency_control::{Bulkhead, BulkheadConfig, Rejected};
use tokio::time::{Instant, sleep};

fn bulkhead(max_running: usize, max_waiting: usize, max_wait_ms: u64) -> Bulkhead {
    Bulkhead::new(BulkheadConfig {
        max_running,
        max_waiting,
        max_wait: Duration::from_millis(max_wait_ms),
    })
    .expect("valid config")
}

#[tokio::test(start_paused = true)]
async fn two_run_two_wait_the_rest_are_rejected_at_once() {
    let bulkhead = bulkhead(2, 2, 1_500);
    let start = Instant::now();
    let call = |id: u32| {
        let bulkhead = &bulkhead;
        async move {
            let outcome = bulkhead
                .run(async {
                    let began = start.elapsed();
                    sleep(Duration::from_secs(1)).await;
                    began
                })
                .await;
            (id, outcome, start.elapsed())
        }
    };
    let results = futures::future::join_all((1..=6).map(call)).await;
    let secs = Duration::from_secs;
    assert_eq!(results[0], (1, Ok(secs(0)), secs(1)));
    assert_eq!(results[1], (2, Ok(secs(0)), secs(1)));
    assert_eq!(results[2], (3, Ok(secs(1)), secs(2)));
    assert_eq!(results[3], (4, Ok(secs(1)), secs(2)));
    let full = Err(Rejected::Full {
        running: 2,
        waiting: 2,
    });
    assert_eq!(
        results[4],
        (5, full, secs(0)),
        "rejected at once, not after a wait"
    );
    assert_eq!(results[5], (6, full, secs(0)));
}

#[tokio::test(start_paused = true)]
async fn with_no_waiting_room_it_still_runs_up_to_the_running_limit() {
    // Defect 5: the Python rendition rejects every call when max_waiting is 0.
    let bulkhead = bulkhead(2, 0, 1);
    let call = || bulkhead.run(sleep(Duration::from_millis(100)));
    let (a, b, c) = tokio::join!(call(), call(), call());
    assert_eq!(a, Ok(()));
    assert_eq!(b, Ok(()));
    assert_eq!(
        c,
        Err(Rejected::Full {
            running: 2,
            waiting: 0
        })
    );
    // Slots come back after the calls finish.
    assert_eq!(bulkhead.run(async { 7 }).await, Ok(7));
}

#[tokio::test(start_paused = true)]
async fn running_and_waiting_are_counted_apart() {
    let bulkhead = bulkhead(1, 3, 10_000);
    let observe = async {
        sleep(Duration::from_millis(10)).await;
        (bulkhead.running(), bulkhead.waiting())
    };
    let call = || bulkhead.run(sleep(Duration::from_millis(100)));
    let (seen, ..) = tokio::join!(observe, call(), call(), call());
    assert_eq!(seen, (1, 2));
    assert_eq!((bulkhead.running(), bulkhead.waiting()), (0, 0));
}

#[tokio::test(start_paused = true)]
async fn a_wait_longer_than_max_wait_is_rejected_with_a_timeout() {
    let bulkhead = bulkhead(1, 1, 300);
    let start = Instant::now();
    let (first, second) = tokio::join!(
        bulkhead.run(sleep(Duration::from_secs(1))),
        bulkhead.run(async { "never" }),
    );
    assert_eq!(first, Ok(()));
    assert_eq!(second, Err(Rejected::TimedOut(Duration::from_millis(300))));
    assert_eq!(start.elapsed(), Duration::from_secs(1));
    assert_eq!(bulkhead.waiting(), 0, "the seat was given back");
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_waiter_gives_its_seat_back() {
    let bulkhead = bulkhead(1, 1, 10_000);
    let _running = bulkhead.acquire().await.expect("a free slot");
    let gave_up = tokio::time::timeout(Duration::from_millis(10), bulkhead.acquire()).await;
    assert!(gave_up.is_err());
    assert_eq!(bulkhead.waiting(), 0);
}

#[tokio::test(start_paused = true)]
async fn clones_share_the_limits() {
    let bulkhead = bulkhead(1, 0, 1_000);
    let clone = bulkhead.clone();
    let _slot = bulkhead.acquire().await.expect("a free slot");
    assert_eq!(
        clone.acquire().await.err(),
        Some(Rejected::Full {
            running: 1,
            waiting: 0
        })
    );
}

#[test]
fn zero_or_huge_limits_and_waits_are_config_errors() {
    let with = |change: fn(&mut BulkheadConfig)| {
        let mut config = BulkheadConfig::default();
        change(&mut config);
        Bulkhead::new(config).err()
    };
    assert_eq!(with(|_| {}), None);
    assert_eq!(with(|c| c.max_waiting = 0), None, "no waiting room is fine");
    assert_eq!(
        with(|c| c.max_running = 0),
        Some(ConfigError::Zero {
            name: "max_running"
        })
    );
    for (name, error) in [
        ("max_running", with(|c| c.max_running = usize::MAX)),
        ("max_waiting", with(|c| c.max_waiting = usize::MAX)),
    ] {
        assert_eq!(
            error,
            Some(ConfigError::TooLarge {
                name,
                value: usize::MAX,
                max: MAX_CAPACITY
            })
        );
    }
    // Zero is refused: "no waiting" is spelled `max_waiting: 0`, not a wait of no time.
    assert_eq!(
        with(|c| c.max_wait = Duration::ZERO),
        Some(ConfigError::Zero { name: "max_wait" })
    );
    assert_eq!(
        with(|c| c.max_wait = Duration::MAX),
        Some(ConfigError::TooLong {
            name: "max_wait",
            value: Duration::MAX,
            max: MAX_DURATION
        })
    );
}
