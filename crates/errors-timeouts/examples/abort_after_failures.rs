//! Abort after N failures: 10 jobs, job n taking n × 0.2 s; jobs 2, 4 and 5 fail. At the 3rd
//! failure the jobs still running are cancelled (their cleanup runs) and the run ends there, at
//! +1 s, not at +2 s when the slowest job would have finished.
//!
//! Run: `cargo run --example abort_after_failures`
//!
//! Expected output: the golden transcript `abort_after_failures.txt` beside this file.

use std::time::Duration;

use testing::Transcript;

// ANCHOR: job
/// Job `n` takes `n × 0.2 s`; jobs 2, 4 and 5 fail. Its guard is its cleanup: dropped while the
/// job is still running (the job was cancelled), it says so.
async fn job(t: Transcript, n: u64) -> Result<u64, String> {
    let mut guard = JobGuard {
        t: t.clone(),
        n,
        span: Some(t.span(format!("job {n:>2}"))),
    };
    tokio::time::sleep(Duration::from_millis(200 * n)).await;
    if [2, 4, 5].contains(&n) {
        guard.finish('x');
        t.line(format!("job {n} failed"));
        return Err(format!("job {n} failed"));
    }
    guard.finish('#');
    Ok(n)
}

struct JobGuard {
    t: Transcript,
    n: u64,
    span: Option<testing::Span>,
}

impl JobGuard {
    fn finish(&mut self, mark: char) {
        if let Some(span) = self.span.take() {
            span.end_with(mark);
        }
    }
}

impl Drop for JobGuard {
    fn drop(&mut self) {
        // Still holding the span: the job never reached `finish`, so it was cancelled.
        if let Some(span) = self.span.take() {
            span.end_with('!');
            self.t
                .line(format!("job {} cancelled: cleanup ran", self.n));
        }
    }
}
// ANCHOR_END: job

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("10 jobs, stop after 3 failures");
    let jobs = (1..=10).map(|n| job(t.clone(), n));
    let report = errors_timeouts::run_until_failures(jobs, 3).await?;
    let ids = |positions: Vec<usize>| positions.iter().map(|p| p + 1).collect::<Vec<_>>();
    t.line(format!(
        "succeeded {:?}, failed {:?}, cancelled {:?}",
        ids(report.succeeded.iter().map(|(p, _)| *p).collect()),
        ids(report.failed.iter().map(|(p, _)| *p).collect()),
        ids(report.cancelled.clone()),
    ));
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
