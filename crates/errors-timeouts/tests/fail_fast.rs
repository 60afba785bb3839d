//! Fail fast vs settle all, side by side on the paused clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use errors_timeouts::{fail_fast, settle_all};
use tokio::time::{Instant, sleep};

fn calls(finished: &Arc<AtomicUsize>) -> Vec<impl Future<Output = Result<u64, String>> + use<>> {
    [(1_000, false), (300, true), (2_000, false)]
        .into_iter()
        .map(|(ms, fails)| {
            let finished = Arc::clone(finished);
            async move {
                sleep(Duration::from_millis(ms)).await;
                finished.fetch_add(1, Ordering::SeqCst);
                if fails {
                    Err(format!("{ms} failed"))
                } else {
                    Ok(ms)
                }
            }
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn fail_fast_returns_the_first_error_and_cancels_the_rest() {
    let finished = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    assert_eq!(
        fail_fast(calls(&finished)).await,
        Err("300 failed".to_string())
    );
    assert_eq!(start.elapsed(), Duration::from_millis(300));
    sleep(Duration::from_secs(5)).await;
    assert_eq!(
        finished.load(Ordering::SeqCst),
        1,
        "the other two were dropped"
    );
}

#[tokio::test(start_paused = true)]
async fn settle_all_waits_for_every_call_and_keeps_every_outcome() {
    let finished = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let report = settle_all(calls(&finished)).await;
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert_eq!(report.succeeded, [(0, 1_000), (2, 2_000)]);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(finished.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn fail_fast_of_nothing_is_ok_and_empty() {
    let none: Vec<std::future::Ready<Result<u8, ()>>> = Vec::new();
    assert_eq!(fail_fast(none).await, Ok(vec![]));
}
