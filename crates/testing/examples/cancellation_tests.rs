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

use testing::{Bank, Transcript, cancel_at_every_await, ms};

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

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("transfer_naive under the harness");
    let bank = Bank::new(vec![100, 0], ms(50));
    let outcome = cancel_at_every_await(
        || bank.transfer_naive(0, 1, 30),
        async |point| check_total(&t, &bank, point.polls, point.completed),
    )
    .await;
    t.line(format!(
        "-> {}",
        outcome.map_or_else(|e| e.to_string(), |r| format!("{r:?}"))
    ));

    t.line("transfer under the harness");
    let bank = Bank::new(vec![100, 0], ms(50));
    let outcome = cancel_at_every_await(
        || bank.transfer(0, 1, 30),
        async |point| check_total(&t, &bank, point.polls, point.completed),
    )
    .await;
    t.line(format!(
        "-> {}",
        outcome.map_or_else(|e| e.to_string(), |r| format!("{r:?}"))
    ));
    // ANCHOR_END: main
    Ok(())
}
