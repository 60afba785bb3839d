//! The scraper's table rows, on a real server on 127.0.0.1 and the real clock.

mod common;

use std::time::{Duration, Instant};

use concurrency_control::BoundedMap;
use real_world::scraper::{self, FetchError, Fetcher, Progress};

const BOUND: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_fetches_200_urls_to_depth_2_with_at_most_16_in_flight() {
    let site = scraper::start_site().await.unwrap();
    let fetcher = Fetcher::new(Duration::from_millis(500), 3).unwrap();
    let limit = BoundedMap::new(16).unwrap();
    let crawl = tokio::time::timeout(
        BOUND,
        scraper::crawl(&fetcher, &site.base, 2, &limit, |_, _, _| {}),
    )
    .await
    .unwrap();
    assert_eq!(crawl.fetched, [1, 9, 190]);
    assert_eq!(crawl.fetched.iter().sum::<usize>(), scraper::PAGES);
    assert!(crawl.failed.is_empty(), "{:?}", crawl.failed);
    assert!(site.stats.in_flight.peak() <= 16);
    // One pooled client: connections stay near the limit (hyper may open one for a request
    // that starts just before a finished connection is back in the pool).
    let accepted = site.stats.accepted.get();
    assert!((1..=32).contains(&accepted), "{accepted} connections");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_per_request_opens_a_connection_per_request() {
    let site = scraper::start_site().await.unwrap();
    let limit = BoundedMap::new(16).unwrap();
    let fetched = tokio::time::timeout(BOUND, scraper::naive_fetch_all(&site.base, &limit))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fetched, 200);
    assert_eq!(site.stats.accepted.get(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_1_s_route_fails_as_a_timeout_at_about_200_ms() {
    let site = scraper::start_site().await.unwrap();
    let fetcher = Fetcher::new(Duration::from_millis(200), 3).unwrap();
    let start = Instant::now();
    let result = fetcher.get(&format!("{}/slow", site.base)).await;
    let elapsed = start.elapsed();
    assert!(
        matches!(result, Err(FetchError::Timeout(200))),
        "{result:?}"
    );
    assert_eq!(result.unwrap_err().to_string(), "timed out after 200 ms");
    assert!(
        elapsed >= Duration::from_millis(200) && elapsed < Duration::from_millis(900),
        "took {:.3} s",
        elapsed.as_secs_f64()
    );
    assert_eq!(
        site.stats.attempts("GET /slow"),
        1,
        "a timeout is not retried"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_with_retry_after_twice_then_200_takes_3_attempts_and_waits_as_asked() {
    let site = scraper::start_site().await.unwrap();
    let fetcher = Fetcher::new(Duration::from_millis(200), 3).unwrap();
    let start = Instant::now();
    let page = tokio::time::timeout(BOUND, fetcher.get(&format!("{}/flaky", site.base)))
        .await
        .unwrap();
    assert_eq!(page.unwrap(), "flaky page");
    assert_eq!(site.stats.attempts("GET /flaky"), 3);
    // Two waits of Retry-After: 1 (the backoff alone would have waited 10 and 20 ms).
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_answered_503_is_not_retried() {
    let site = scraper::start_site().await.unwrap();
    let fetcher = Fetcher::new(Duration::from_millis(200), 3).unwrap();
    let result = fetcher.post(&format!("{}/orders", site.base)).await;
    assert!(
        matches!(result, Err(FetchError::Status { status: 503, .. })),
        "{result:?}"
    );
    assert_eq!(site.stats.attempts("POST /orders"), 1);
}

#[test]
fn progress_is_a_line_at_every_10_percent_off_a_terminal() {
    let t = testing::Transcript::in_memory();
    let mut progress = Progress::new(&t, false);
    for done in 1..=190 {
        progress.update(2, done, 190);
    }
    let lines = t.lines();
    assert_eq!(lines.len(), 10);
    assert_eq!(lines[0], "  depth 2: 10% (19 of 190)");
    assert_eq!(lines[9], "  depth 2: 100% (190 of 190)");
    // On a terminal, an indicatif bar draws instead and no line is written.
    let t = testing::Transcript::in_memory();
    let mut bar = Progress::new(&t, true);
    for done in 1..=190 {
        bar.update(2, done, 190);
    }
    assert!(t.lines().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_2000_requests_nothing_lost_memory_bounded() {
    let site = scraper::start_site().await.unwrap();
    let fetcher = Fetcher::new(Duration::from_secs(2), 1).unwrap();
    let limit = BoundedMap::new(32).unwrap();
    let before = common::rss();
    let urls: Vec<String> = (0..2000)
        .map(|n| format!("{}/item/{}", site.base, n % scraper::ITEMS))
        .collect();
    let pages = tokio::time::timeout(BOUND, limit.unordered(&urls, |url| fetcher.get(url)))
        .await
        .unwrap();
    assert_eq!(pages.iter().filter(|p| p.is_ok()).count(), 2000);
    assert!(site.stats.in_flight.peak() <= 32);
    let growth = common::rss().saturating_sub(before);
    assert!(growth < 64 << 20, "memory grew by {growth} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_reset_mid_body_is_reported_and_retried() {
    // With retries: the reset is retried (GET is idempotent) and the page arrives.
    let site = scraper::start_site().await.unwrap();
    let fetcher = Fetcher::new(Duration::from_millis(500), 3).unwrap();
    let page = fetcher.get(&format!("{}/reset", site.base)).await;
    assert_eq!(page.unwrap(), "whole page");
    assert_eq!(site.stats.attempts("GET /reset"), 2);
    // Without: the client reports the reset as a transport error, cleanly.
    let site = scraper::start_site().await.unwrap();
    let once = Fetcher::new(Duration::from_millis(500), 1).unwrap();
    let result = once.get(&format!("{}/reset", site.base)).await;
    assert!(
        matches!(result, Err(FetchError::Transport(_))),
        "{result:?}"
    );
}

#[test]
fn the_example_runs_under_3_s_and_prints_its_transcript() {
    common::assert_runs_under_3s_and_matches_its_transcript("scraper");
}
