//! Health checks: db ok, cache slow (times out at 0.5 s), optional upstream down: the service
//! is unhealthy, and the report says why, one line per check. Once the cache answers again,
//! only the optional upstream fails: degraded.
//!
//! Run: `cargo run --example health_checks`
//!
//! Expected output: the golden transcript `health_checks.txt` beside this file.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use production::HealthChecks;
use testing::{Transcript, ms};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let cache_slow = Arc::new(AtomicBool::new(true));
    let slow = Arc::clone(&cache_slow);
    let checks = HealthChecks::new(Duration::from_millis(500))?
        .required("db", || async {
            tokio::time::sleep(ms(20)).await; // SELECT 1
            Ok::<(), String>(())
        })
        .required("cache", move || {
            let takes = if slow.load(Ordering::Relaxed) {
                2000
            } else {
                10
            };
            async move {
                tokio::time::sleep(ms(takes)).await; // PING
                Ok::<(), String>(())
            }
        })
        .optional("upstream", || async {
            tokio::time::sleep(ms(10)).await;
            Err::<(), _>("connection refused")
        });

    t.line("checking: db ok, cache slow, optional upstream down");
    let report = checks.check().await;
    t.line(format!("HTTP {}: {report}", report.status.status_code()));

    cache_slow.store(false, Ordering::Relaxed);
    t.line("checking again: the cache answers");
    let report = checks.check().await;
    t.line(format!("HTTP {}: {report}", report.status.status_code()));
    // ANCHOR_END: main
    Ok(())
}
