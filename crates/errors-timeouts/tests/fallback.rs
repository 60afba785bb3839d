//! Fallback chain: sources tried in order, later ones never called, errors kept.

use std::time::Duration;

use basics::ConfigError;
use errors_timeouts::{AllFailed, fallback, timeout};
use futures::FutureExt;
use testing::{FakeService, Script, Step};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn primary_down_cache_hit_and_the_default_is_never_called() {
    let primary = FakeService::new(
        "primary",
        Script::new().then(Step::ok_after(Duration::from_secs(30))),
    );
    let cache = FakeService::new(
        "cache",
        Script::new().then(Step::ok_after(Duration::from_millis(5))),
    );
    let default = FakeService::new("default", Script::new());
    let start = Instant::now();
    let served = fallback([
        (
            "primary",
            async {
                let call = timeout(Duration::from_secs(1), primary.call());
                match call.map_err(|e| e.to_string())?.await {
                    Ok(reply) => reply.map_err(|e| e.to_string()),
                    Err(elapsed) => Err(elapsed.to_string()),
                }
            }
            .boxed(),
        ),
        (
            "cache",
            async { cache.call().await.map_err(|e| e.to_string()) }.boxed(),
        ),
        (
            "default",
            async { default.call().await.map_err(|e| e.to_string()) }.boxed(),
        ),
    ])
    .expect("a chain of three")
    .await
    .expect("the cache answers");
    assert_eq!(
        (served.source, served.value.as_str()),
        ("cache", "cache reply 1")
    );
    assert_eq!(
        served.skipped,
        [("primary", "operation timed out after 1s".to_string())]
    );
    assert_eq!(start.elapsed(), Duration::from_millis(1_005));
    assert_eq!(default.stats().started, 0, "a lazy future is never called");
    assert_eq!(primary.stats().cancelled, 1);
}

#[tokio::test(start_paused = true)]
async fn every_source_failing_returns_every_error_in_order() {
    let outcome = fallback([
        ("a", std::future::ready(Err::<u8, _>(1))),
        ("b", std::future::ready(Err(2))),
    ])
    .expect("a chain of two")
    .await;
    assert_eq!(
        outcome,
        Err(AllFailed {
            errors: vec![("a", 1), ("b", 2)]
        })
    );
}

#[tokio::test(start_paused = true)]
async fn an_empty_chain_is_a_config_error() {
    let none: Vec<(&'static str, std::future::Ready<Result<u8, u8>>)> = Vec::new();
    assert!(matches!(
        fallback(none),
        Err(ConfigError::Empty { name: "sources" })
    ));
}
