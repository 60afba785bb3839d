//! Cancellation tests: stop a future at a chosen `.await`, then check what cleanup left behind.

use testing::{Bank, CancelFailure, CancelHarness, CancelPoint, cancel_at_every_await, ms};
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

#[tokio::test(start_paused = true)]
async fn a_future_that_is_never_woken_is_reported_at_once() {
    // Pending with no timer and no waker kept: it can never finish, and the harness says so
    // without advancing the clock. (It used to take its own timeout's wake-up for the future's
    // and go on polling up to `max_polls`: more than 5 minutes of real time.) Bounded in real
    // time because that is what the fix is about.
    let real_start = std::time::Instant::now();
    let start = Instant::now();
    let outcome = cancel_at_every_await(std::future::pending::<()>, async |_| Ok(())).await;
    assert_eq!(outcome, Err(CancelFailure::NeverWoken { polls: 1 }));
    assert_eq!(
        outcome.unwrap_err().to_string(),
        "after poll 1 the future was not woken and kept no waker: it can never finish"
    );
    assert_eq!(start.elapsed(), ms(0), "no virtual time spent waiting");
    let real = real_start.elapsed();
    assert!(
        real < std::time::Duration::from_secs(2),
        "took {real:?} of real time"
    );
}

#[tokio::test(start_paused = true)]
async fn a_future_that_keeps_its_waker_but_is_never_woken_is_not_woken_within_max_wait() {
    // Self-deadlocked: it waits on a channel whose sender it holds itself. Its waker is kept (by
    // the channel), so only `max_wait` can tell; on the paused clock that is one jump.
    let real_start = std::time::Instant::now();
    let start = Instant::now();
    let outcome = cancel_at_every_await(
        || async {
            let (_sender, receiver) = tokio::sync::oneshot::channel::<()>();
            let _ = receiver.await;
        },
        async |_| Ok(()),
    )
    .await;
    let max_wait = CancelHarness::default().max_wait;
    assert_eq!(
        outcome,
        Err(CancelFailure::NotWoken {
            polls: 1,
            waited: max_wait
        })
    );
    assert_eq!(start.elapsed(), max_wait);
    let real = real_start.elapsed();
    assert!(
        real < std::time::Duration::from_secs(2),
        "took {real:?} of real time"
    );
}
