//! Abort after N failures: 10 jobs, job n taking n × 0.2 s; jobs 2, 4 and 5 fail. At the 3rd
//! failure the jobs still running are cancelled (their cleanup runs) and the run ends there, at
//! +1 s, not at +2 s when the slowest job would have finished.
//!
//! Run: `cargo run --example abort_after_failures`
//!
//! Expected output: the golden transcript `abort_after_failures.txt` beside this file.

use std::time::Duration;

use errors_timeouts::on_drop;
use testing::Transcript;

// ANCHOR: job
/// Job `n` takes `n × 0.2 s`; jobs 2, 4 and 5 fail. Its cleanup is a drop guard: dropped while
/// the job is still running (the job was cancelled), it says so, and the job's span ends with
/// `!`.
async fn job(t: Transcript, n: u64) -> Result<u64, String> {
    let span = t.task_span(format!("job {n:>2}"));
    let cleanup = on_drop({
        let t = t.clone();
        move || t.line(format!("job {n} cancelled: cleanup ran"))
    });
    tokio::time::sleep(Duration::from_millis(200 * n)).await;
    cleanup.disarm();
    if [2, 4, 5].contains(&n) {
        span.end_with('x');
        t.line(format!("job {n} failed"));
        return Err(format!("job {n} failed"));
    }
    span.end();
    Ok(n)
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
