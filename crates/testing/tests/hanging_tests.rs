//! Hanging tests: a budget around every wait, failing with the name of what was awaited.

use testing::{Budget, Hung, ms};
use tokio::sync::mpsc;
use tokio::time::Instant;

// ANCHOR: budget
#[tokio::test(start_paused = true)]
async fn a_wait_that_would_hang_fails_with_its_name() {
    let budget = Budget::new(ms(5_000));
    let (tx, mut rx) = mpsc::channel::<u32>(1);
    tx.send(1).await.expect("the receiver is alive");
    // The first reply comes; the second never will, because the sender is still alive.
    assert_eq!(budget.wait("the first reply", rx.recv()).await, Ok(Some(1)));
    let hung = budget.wait("the second reply", rx.recv()).await;
    assert_eq!(
        hung,
        Err(Hung {
            what: "the second reply".into(),
            waited: ms(5_000),
            budget: ms(5_000),
        })
    );
    assert_eq!(
        hung.expect_err("it hung").to_string(),
        "hung: waited 5.000s for `the second reply` (budget 5.000s)"
    );
    drop(tx);
}

#[tokio::test(start_paused = true)]
async fn the_waits_share_one_budget() {
    let start = Instant::now();
    let budget = Budget::new(ms(1_000));
    assert!(
        budget
            .wait("a 600 ms step", tokio::time::sleep(ms(600)))
            .await
            .is_ok()
    );
    assert_eq!(budget.remaining(), ms(400));
    let second = budget
        .wait("another 600 ms step", tokio::time::sleep(ms(600)))
        .await;
    assert_eq!(
        second.map_err(|hung| hung.what),
        Err("another 600 ms step".into())
    );
    assert_eq!(start.elapsed(), ms(1_000)); // the whole test took its budget, not more
}
// ANCHOR_END: budget

#[tokio::test(start_paused = true)]
async fn a_budget_of_duration_max_never_runs_out() {
    // "No budget" spelled as the largest duration: the waits run to their end, no panic.
    let budget = Budget::new(std::time::Duration::MAX);
    let start = Instant::now();
    let slept = budget.wait("a long step", tokio::time::sleep(ms(86_400_000)));
    assert_eq!(slept.await, Ok(()));
    assert_eq!(start.elapsed(), ms(86_400_000));
    assert_eq!(
        budget.remaining(),
        std::time::Duration::MAX - ms(86_400_000)
    );
}
