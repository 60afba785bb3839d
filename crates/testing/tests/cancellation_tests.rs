//! Cancellation tests: stop a future at a chosen `.await`, then check what cleanup left behind.

use testing::{Bank, CancelFailure, CancelPoint, cancel_at_every_await, ms};
use tokio::time::Instant;

// ANCHOR: chosen_point
#[tokio::test(start_paused = true)]
async fn a_transfer_dropped_mid_hop_loses_nothing() {
    let bank = Bank::new(vec![100, 0], ms(50));
    // Stop it at +20 ms, in the middle of its network hop.
    let cut = tokio::time::timeout(ms(20), bank.transfer(0, 1, 30)).await;
    assert!(cut.is_err());
    assert_eq!(bank.snapshot(), [100, 0]); // nothing moved
}

#[tokio::test(start_paused = true)]
async fn an_aborted_task_stops_at_its_await() {
    let bank = Bank::new(vec![100, 0], ms(50));
    let task = tokio::spawn({
        let bank = bank.clone();
        async move { bank.transfer_naive(0, 1, 30).await }
    });
    tokio::time::sleep(ms(20)).await;
    task.abort();
    let joined = task.await;
    assert!(joined.is_err_and(|error| error.is_cancelled()));
    // The debit ran, the credit never will: this is what the harness below finds on its own.
    assert_eq!(bank.snapshot(), [70, 0]);
    assert_eq!(Instant::now().elapsed(), ms(0));
}
// ANCHOR_END: chosen_point

// ANCHOR: every_await
/// The invariant checked after every drop: no money created or destroyed.
fn total_is_100(bank: &Bank) -> Result<(), String> {
    match bank.total() {
        100 => Ok(()),
        total => Err(format!("total is {total}: {:?}", bank.snapshot())),
    }
}

#[tokio::test(start_paused = true)]
async fn the_harness_finds_the_await_that_loses_money() {
    let bank = Bank::new(vec![100, 0], ms(50));
    let outcome = cancel_at_every_await(
        || bank.transfer_naive(0, 1, 30),
        async |_point| total_is_100(&bank),
    )
    .await;
    let Err(CancelFailure::Invariant { point, message }) = outcome else {
        panic!("expected a broken invariant, got {outcome:?}");
    };
    // Dropped after one poll: parked at the hop, after the debit.
    assert_eq!(
        point,
        CancelPoint {
            polls: 1,
            completed: false,
            elapsed: ms(0)
        }
    );
    assert_eq!(message, "total is 70: [70, 0]");
}

#[tokio::test(start_paused = true)]
async fn the_harness_passes_the_cancel_safe_transfer() {
    let bank = Bank::new(vec![100, 0], ms(50));
    let mut points = Vec::new();
    let report = cancel_at_every_await(
        || bank.transfer(0, 1, 30),
        async |point| {
            points.push((point.polls, point.completed));
            total_is_100(&bank)
        },
    )
    .await;
    assert_eq!(report.map(|report| report.polls_to_complete), Ok(2));
    assert_eq!(points, [(0, false), (1, false), (2, true)]);
    assert_eq!(bank.snapshot(), [70, 30]); // only the completed run moved money
}
// ANCHOR_END: every_await
