//! Background registry: three named jobs run in the background; at +2.5 s main exits, asks them
//! to stop and gives them 1 s. Two stop by themselves, the uploader ignores the request and is
//! aborted at the deadline, +3.5 s. Nothing is left running.
//!
//! Run: `cargo run --example background_registry`
//!
//! Expected output (the golden transcript `background_registry.txt` beside this file):
//! ```text
//! [+0.000s] started 3 background jobs
//! [+0.700s] cache: refreshed
//! [+1.000s] metrics: flushed
//! ...
//! [+3.500s] stopped by themselves: metrics, cache; aborted: uploader
//! ```

use std::time::Duration;

use basics::BackgroundRegistry;
use testing::{Span, Transcript};
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

// ANCHOR: jobs
/// Flushes metrics every second; on cancellation, one last flush (0.2 s), then returns.
async fn metrics(t: Transcript, token: CancellationToken) {
    let _span = t.span("metrics");
    loop {
        tokio::select! {
            () = token.cancelled() => break,
            () = sleep(Duration::from_secs(1)) => t.line("metrics: flushed"),
        }
    }
    t.line("metrics: asked to stop, final flush");
    sleep(Duration::from_millis(200)).await;
    t.line("metrics: final flush done");
}

/// Refreshes a cache every 0.7 s; on cancellation, returns at once.
async fn cache(t: Transcript, token: CancellationToken) {
    let _span = t.span("cache");
    // `run_until_cancelled` drops the loop at its current `.await` when the token fires.
    token
        .run_until_cancelled(async {
            loop {
                sleep(Duration::from_millis(700)).await;
                t.line("cache: refreshed");
            }
        })
        .await;
    t.line("cache: asked to stop, stopped");
}

/// Uploads a 10 s report and never looks at the token: only an abort stops it.
async fn uploader(t: Transcript, _token: CancellationToken) {
    let upload = Upload(Some(t.task_span("uploader")), t.clone());
    sleep(Duration::from_secs(10)).await;
    upload.finish();
}

/// The upload in progress: dropped unfinished (the job was aborted), it says so, and its
/// `task_span` ends with `!`.
struct Upload(Option<Span>, Transcript);

impl Upload {
    fn finish(mut self) {
        if let Some(span) = self.0.take() {
            span.end();
        }
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if self.0.is_some() {
            self.1.line("uploader: aborted, partial upload discarded");
        }
    }
}
// ANCHOR_END: jobs

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let mut registry = BackgroundRegistry::new();
    registry.spawn("metrics", |token| metrics(t.clone(), token));
    registry.spawn("cache", |token| cache(t.clone(), token));
    registry.spawn("uploader", |token| uploader(t.clone(), token));
    t.line(format!("started {} background jobs", registry.len()));

    sleep(Duration::from_millis(2_500)).await; // main's work
    t.line("main: exiting, giving the jobs 1 s to stop");
    let report = registry
        .shutdown(Instant::now() + Duration::from_secs(1))
        .await;
    t.line(format!(
        "stopped by themselves: {}; aborted: {}",
        report.stopped.join(", "),
        report.aborted.join(", ")
    ));
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
