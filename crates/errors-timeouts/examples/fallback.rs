//! Fallback chain: the primary is down (it hangs, cut off by a 1 s timeout), the cache answers;
//! the default is never consulted.
//!
//! Run: `cargo run --example fallback`
//!
//! Expected output: the golden transcript `fallback.txt` beside this file.

use std::time::Duration;

use errors_timeouts::{fallback, timeout};
use futures::FutureExt;
use testing::{FakeService, Script, Step, Transcript};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let primary = FakeService::new(
        "primary",
        Script::new().then(Step::ok_after(Duration::from_secs(30))),
    );
    let cache = FakeService::new(
        "cache",
        Script::new().then(Step::ok_after(Duration::from_millis(5))),
    );
    t.line("profile of user 7: primary (1 s limit), then cache, then default");
    // The limit is checked here; the call inside starts only when the chain gets to it.
    let primary_call = timeout(Duration::from_secs(1), primary.call())?;
    // Each source is a different future type, so each is boxed; none runs until its turn.
    let served = fallback([
        (
            "primary",
            async {
                primary_call
                    .await
                    .map_err(|e| e.to_string())?
                    .map_err(|e| e.to_string())
            }
            .boxed(),
        ),
        (
            "cache",
            async { cache.call().await.map_err(|e| e.to_string()) }.boxed(),
        ),
        (
            "default",
            async { Ok("anonymous profile".to_string()) }.boxed(),
        ),
    ])?
    .await?;
    for (source, error) in &served.skipped {
        t.line(format!("skipped {source}: {error}"));
    }
    t.line(format!("served by {}: {:?}", served.source, served.value));
    // ANCHOR_END: main
    Ok(())
}
