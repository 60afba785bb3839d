//! Cancellation tests: the cancel-at-every-await harness finds the `.await` where a transfer
//! loses money, and passes the cancel-safe transfer.
//!
//! Run: `cargo run --example cancellation_tests`
//!
//! Expected output (the golden transcript `cancellation_tests.txt` beside this file):
//! ```text
//! [+0.000s] transfer_naive under the harness
//! ...
//! ```

use testing::{Bank, CancelFailure, CancelReport, Transcript, cancel_at_every_await, ms};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

fn check_total(t: &Transcript, bank: &Bank, polls: usize, completed: bool) -> Result<(), String> {
    let how = if completed {
        "completed after"
    } else {
        "dropped after"
    };
    t.line(format!(
        "  {how} {polls} poll(s): balances {:?}",
        bank.snapshot()
    ));
    match bank.total() {
        100 => Ok(()),
        total => Err(format!("total is {total}")),
    }
}

/// The harness's verdict in words that are the same on every run: the drop's time rounded to
/// 0.1 s (on the real clock it is a few microseconds, never exactly zero).
fn verdict(outcome: Result<CancelReport, CancelFailure>) -> String {
    match outcome {
        Ok(report) => format!(
            "passed: the invariant held after every drop and at completion ({} polls)",
            report.polls_to_complete
        ),
        Err(CancelFailure::Invariant { point, message }) => format!(
            "invariant broken when dropped after {} poll(s), at +{:.1} s: {message}",
            point.polls,
            point.elapsed.as_secs_f64()
        ),
        Err(other) => other.to_string(),
    }
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("transfer_naive under the harness");
    let bank = Bank::new(vec![100, 0], ms(50));
    let outcome = cancel_at_every_await(
        || bank.transfer_naive(0, 1, 30),
        async |point| check_total(&t, &bank, point.polls, point.completed),
    )
    .await;
    t.line(format!("-> {}", verdict(outcome)));

    t.line("transfer under the harness");
    let bank = Bank::new(vec![100, 0], ms(50));
    let outcome = cancel_at_every_await(
        || bank.transfer(0, 1, 30),
        async |point| check_total(&t, &bank, point.polls, point.completed),
    )
    .await;
    t.line(format!("-> {}", verdict(outcome)));
    // ANCHOR_END: main
    Ok(())
}
