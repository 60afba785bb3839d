//! Race across `.await`: two withdrawals under `join!` on one thread both pass the check and pay
//! out 120 from 100; with check and act in one step, the second is refused.

use pitfalls::race_across_await::{self, Account, FRAUD_CHECK, Insufficient};
use tokio::time::Instant;

const REFUSED: Result<u64, Insufficient> = Err(Insufficient {
    balance: 40,
    amount: 60,
});

#[tokio::test(start_paused = true)]
async fn one_at_a_time_the_wrong_version_is_right_which_is_how_it_passes_tests() {
    let account = Account::new(100);
    assert_eq!(
        race_across_await::withdraw_check_then_act(&account, 60).await,
        Ok(40)
    );
    let second = race_across_await::withdraw_check_then_act(&account, 60).await;
    assert_eq!(second, REFUSED);
}

#[tokio::test(start_paused = true)]
async fn check_then_act_across_an_await_pays_out_twice() {
    let account = Account::new(100);
    let start = Instant::now();
    let outcomes = tokio::join!(
        race_across_await::withdraw_check_then_act(&account, 60),
        race_across_await::withdraw_check_then_act(&account, 60),
    );
    assert_eq!(
        outcomes,
        (Ok(40), Ok(40)),
        "both passed the check: 120 paid out of 100"
    );
    assert_eq!(account.balance(), 40, "one update was lost");
    assert_eq!(start.elapsed(), FRAUD_CHECK);
}

#[tokio::test(start_paused = true)]
async fn check_and_act_in_one_step_refuses_the_second() {
    let account = Account::new(100);
    let start = Instant::now();
    let outcomes = tokio::join!(
        race_across_await::withdraw(&account, 60),
        race_across_await::withdraw(&account, 60),
    );
    // Which of the two goes first is the timers' order; exactly one is refused.
    let outcomes = [outcomes.0, outcomes.1];
    assert!(
        outcomes.contains(&Ok(40)) && outcomes.contains(&REFUSED),
        "{outcomes:?}"
    );
    assert_eq!(account.balance(), 40);
    assert_eq!(start.elapsed(), FRAUD_CHECK);
}
