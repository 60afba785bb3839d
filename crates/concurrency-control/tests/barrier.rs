//! The barrier: everyone leaves together when the last arrives, one leader per generation, and
//! it is reusable.

use std::time::Duration;

use basics::ConfigError;
use concurrency_control::Barrier;
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn workers_leave_together_when_the_slowest_arrives() {
    let barrier = Barrier::new(3).expect("valid");
    let start = Instant::now();
    let worker = |load: u64| {
        let barrier = &barrier;
        async move {
            sleep(Duration::from_millis(load)).await;
            let leader = barrier.wait().await.is_leader();
            (start.elapsed(), leader)
        }
    };
    let (a, b, c) = tokio::join!(worker(100), worker(300), worker(200));
    for (left_at, _) in [a, b, c] {
        assert_eq!(left_at, Duration::from_millis(300));
    }
    assert_eq!(
        [a.1, b.1, c.1].iter().filter(|l| **l).count(),
        1,
        "one leader"
    );
}

#[tokio::test(start_paused = true)]
async fn the_barrier_is_reusable_phase_after_phase() {
    let barrier = Barrier::new(2).expect("valid");
    let start = Instant::now();
    let other = tokio::spawn({
        let barrier = barrier.clone();
        async move {
            for _ in 0..3 {
                sleep(Duration::from_millis(100)).await;
                barrier.wait().await;
            }
        }
    });
    for _ in 0..3 {
        barrier.wait().await;
    }
    other.await.expect("no panic");
    assert_eq!(start.elapsed(), Duration::from_millis(300));
    assert_eq!(barrier.parties(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_missing_party_leaves_the_others_waiting_so_bound_the_wait() {
    let barrier = Barrier::new(2).expect("valid");
    let alone = tokio::time::timeout(Duration::from_secs(1), barrier.wait()).await;
    assert!(alone.is_err(), "nobody else comes");
}

#[test]
fn a_barrier_for_nobody_or_for_too_many_is_a_config_error() {
    assert_eq!(
        Barrier::new(0).err(),
        Some(ConfigError::Zero { name: "parties" })
    );
    assert!(matches!(
        Barrier::new(usize::MAX),
        Err(ConfigError::TooLarge {
            name: "parties",
            ..
        })
    ));
}
