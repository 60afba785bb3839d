//! As completed on the paused clock: items arrive in completion order, each at its own time,
//! tagged with its input position.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::{TaskFailed, as_completed, spawn_as_completed};
use futures::StreamExt;
use tokio::time::{Instant, sleep};

const DELAYS_MS: [u64; 5] = [300, 100, 500, 200, 400];

async fn job(ms: u64) -> u64 {
    sleep(Duration::from_millis(ms)).await;
    ms * 10
}

#[tokio::test(start_paused = true)]
async fn items_arrive_in_completion_order_each_at_its_own_time() {
    let start = Instant::now();
    let mut stream = as_completed(DELAYS_MS.map(job));
    let mut seen = Vec::new();
    while let Some((index, output)) = stream.next().await {
        seen.push((index, output, start.elapsed().as_millis()));
    }
    assert_eq!(
        seen,
        [
            (1, 1000, 100),
            (3, 2000, 200),
            (0, 3000, 300),
            (4, 4000, 400),
            (2, 5000, 500)
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn spawned_members_arrive_in_completion_order_too() {
    let start = Instant::now();
    let mut stream = spawn_as_completed(DELAYS_MS.map(job));
    assert_eq!(stream.len(), 5);
    let mut order = Vec::new();
    while let Some(item) = stream.next().await {
        let (index, _) = item.expect("no member fails");
        order.push((index, start.elapsed().as_millis()));
    }
    assert_eq!(order, [(1, 100), (3, 200), (0, 300), (4, 400), (2, 500)]);
    assert!(stream.is_empty());
}

#[tokio::test(start_paused = true)]
async fn awaiting_handles_in_a_loop_gives_input_order_not_completion_order() {
    let handles: Vec<_> = DELAYS_MS.map(|ms| tokio::spawn(job(ms))).into();
    let mut order = Vec::new();
    for handle in handles {
        order.push(handle.await.expect("no panic") / 10);
    }
    assert_eq!(order, DELAYS_MS);
}

#[tokio::test(start_paused = true)]
async fn an_empty_input_is_an_empty_stream_that_ends_at_once() {
    let start = Instant::now();
    let none: Vec<std::future::Ready<u8>> = Vec::new();
    assert!(as_completed(none).next().await.is_none());
    let none: Vec<std::future::Ready<u8>> = Vec::new();
    assert!(spawn_as_completed(none).next().await.is_none());
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_member_is_reported_by_position_and_the_others_go_on() {
    let futures: Vec<std::pin::Pin<Box<dyn Future<Output = u64> + Send>>> = vec![
        Box::pin(job(200)),
        Box::pin(async {
            sleep(Duration::from_millis(100)).await;
            panic!("member 1 fails")
        }),
    ];
    let mut stream = spawn_as_completed(futures);
    let first = stream.next().await.expect("two members");
    assert!(
        matches!(first, Err(TaskFailed::Panicked { index: 1, .. })),
        "{first:?}"
    );
    let second = stream.next().await.expect("one member left");
    assert_eq!(second.expect("member 0 is fine"), (0, 2000));
}

#[tokio::test(start_paused = true)]
async fn dropping_the_stream_cancels_the_rest() {
    let finished = Arc::new(AtomicUsize::new(0));
    let members = || {
        DELAYS_MS.map(|ms| {
            let finished = Arc::clone(&finished);
            async move {
                job(ms).await;
                finished.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    let mut local = as_completed(members());
    let mut spawned = spawn_as_completed(members());
    local.next().await;
    spawned.next().await;
    drop((local, spawned));
    sleep(Duration::from_secs(1)).await;
    // One member of each finished before the drop; none after.
    assert_eq!(finished.load(Ordering::SeqCst), 2);
}
