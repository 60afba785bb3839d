//! Fail fast vs settle all, side by side: three calls of 1 s, 0.3 s (fails) and 2 s. Fail fast
//! returns the error at +0.3 s and cancels the others; settling all waits 2 s and keeps both
//! successes.
//!
//! Run: `cargo run --example fail_fast`
//!
//! Expected output: the golden transcript `fail_fast.txt` beside this file.

use std::time::Duration;

use testing::Transcript;

// ANCHOR: call
async fn call(
    t: Transcript,
    name: &'static str,
    ms: u64,
    fails: bool,
) -> Result<&'static str, String> {
    // A task span: dropped at the `.await` (cancelled by fail fast), it ends with `!`.
    let span = t.task_span(name);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    if fails {
        span.end_with('x');
        return Err(format!("{name} failed"));
    }
    span.end();
    Ok(name)
}
// ANCHOR_END: call

fn calls(t: &Transcript, label: &str) -> Vec<impl Future<Output = Result<&'static str, String>>> {
    let names: [(&'static str, &'static str, &'static str); 3] = [
        ("fast: users", "settle: users", "users"),
        ("fast: orders", "settle: orders", "orders"),
        ("fast: invoices", "settle: invoices", "invoices"),
    ];
    let pick =
        |n: (&'static str, &'static str, &'static str)| if label == "fast" { n.0 } else { n.1 };
    vec![
        call(t.clone(), pick(names[0]), 1_000, false),
        call(t.clone(), pick(names[1]), 300, true),
        call(t.clone(), pick(names[2]), 2_000, false),
    ]
}

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("fail fast: the first error cancels the rest");
    match errors_timeouts::fail_fast(calls(&t, "fast")).await {
        Ok(values) => t.line(format!("all succeeded: {values:?}")),
        Err(error) => t.line(format!("gave up: {error}")),
    }

    t.line("settle all: every call finishes, outcomes kept");
    let report = errors_timeouts::settle_all(calls(&t, "settle")).await;
    let ok: Vec<_> = report.succeeded.iter().map(|(_, name)| *name).collect();
    let failed: Vec<_> = report
        .failed
        .iter()
        .map(|(_, error)| error.as_str())
        .collect();
    t.line(format!("succeeded {ok:?}, failed {failed:?}"));
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
