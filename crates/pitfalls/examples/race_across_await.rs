//! Race across `.await`: two withdrawals of 60 from a balance of 100, under `join!` on one
//! thread. Check, `.await`, act: both pass and 120 is paid out. `.await`, then check and act in
//! one step: the second is refused.
//!
//! Run: `cargo run --example race_across_await`
//!
//! Expected output: the golden transcript `race_across_await.txt` beside this file.

use pitfalls::race_across_await::{self, Account};
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.line("two withdrawals of 60 from 100, at the same time, on one thread");
    let account = Account::new(100);
    let (first, second) = tokio::join!(
        race_across_await::withdraw_check_then_act(&account, 60),
        race_across_await::withdraw_check_then_act(&account, 60),
    );
    t.line(format!("wrong: check, .await, act: {first:?}, {second:?}"));
    t.line(format!(
        "  balance {}: 120 paid out of 100, one update lost",
        account.balance()
    ));

    let account = Account::new(100);
    let (first, second) = tokio::join!(
        race_across_await::withdraw(&account, 60),
        race_across_await::withdraw(&account, 60),
    );
    let refused = [&first, &second].iter().filter(|o| o.is_err()).count();
    t.line(format!(
        "right: .await, then check and act under one lock: {refused} refused, balance {}",
        account.balance()
    ));
    Ok(())
}
