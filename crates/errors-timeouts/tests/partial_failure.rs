//! Partial failure on the paused clock: every outcome is kept, failures are counted (★ defect 1).

use std::time::Duration;

use errors_timeouts::settle_all;
use tokio::time::{Instant, sleep};

async fn process(item: u32) -> Result<u32, String> {
    sleep(Duration::from_millis(100)).await;
    if item.is_multiple_of(3) {
        Err(format!("item {item} failed"))
    } else {
        Ok(item * 10)
    }
}

#[tokio::test(start_paused = true)]
async fn the_report_counts_four_successes_and_two_failures() {
    let start = Instant::now();
    let report = settle_all((1..=6).map(process)).await;
    assert_eq!(report.succeeded, [(0, 10), (1, 20), (3, 40), (4, 50)]);
    // The defect: a wrapper that swallows errors reports 0 failures. Here both are kept.
    assert_eq!(
        report.failed,
        [
            (2, "item 3 failed".to_string()),
            (5, "item 6 failed".to_string())
        ]
    );
    assert!(!report.all_succeeded());
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(100),
        "concurrent, not 0.6 s"
    );
}

#[tokio::test(start_paused = true)]
async fn an_empty_input_gives_an_empty_report_at_once() {
    let start = Instant::now();
    let report = settle_all(Vec::<std::future::Ready<Result<u8, ()>>>::new()).await;
    assert!(report.succeeded.is_empty() && report.failed.is_empty());
    assert!(report.all_succeeded());
    assert_eq!(start.elapsed(), Duration::ZERO);
}
