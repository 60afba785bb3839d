//! Polling by hand: one poll at a time, with a waker that records wake-ups.

use testing::Latch;
use tokio_test::task;
use tokio_test::{assert_pending, assert_ready};

// ANCHOR: latch
#[test]
fn a_latch_is_pending_until_opened_and_wakes_its_waiter() {
    let latch = Latch::new();
    let mut wait = task::spawn(latch.wait());
    assert_pending!(wait.poll());
    assert!(!wait.is_woken());
    latch.open();
    assert!(wait.is_woken()); // the waker registered by the poll was called
    assert_ready!(wait.poll());
}

#[test]
fn every_waiter_is_woken() {
    let latch = Latch::new();
    let mut first = task::spawn(latch.wait());
    let mut second = task::spawn(latch.wait());
    assert_pending!(first.poll());
    assert_pending!(second.poll());
    latch.open();
    assert!(first.is_woken() && second.is_woken());
    assert_ready!(first.poll());
    assert_ready!(second.poll());
    // Once open, a new wait is ready at its first poll.
    assert_ready!(task::spawn(latch.wait()).poll());
}
// ANCHOR_END: latch

// ANCHOR: forgetful
#[test]
fn is_woken_catches_a_future_that_forgets_its_waker() {
    let latch = Latch::new();
    let mut wait = task::spawn(latch.wait_forgetful());
    assert_pending!(wait.poll());
    latch.open();
    // Nobody woke the task: under a real runtime, an `.await` on it would hang here.
    assert!(!wait.is_woken());
    assert_eq!(wait.waker_ref_count(), 1); // the mock task's own reference only
    // Polled anyway, it sees the open latch: the bug is only in the wake-up.
    assert_ready!(wait.poll());
}
// ANCHOR_END: forgetful

#[tokio::test(start_paused = true)]
async fn a_forgetful_wait_hangs_under_a_runtime() {
    let latch = Latch::new();
    // Alone in its task, so nothing else in the task can wake it by chance.
    let forgetful = tokio::spawn(latch.wait_forgetful());
    let careful = tokio::spawn(latch.wait());
    tokio::time::sleep(testing::ms(10)).await;
    latch.open();
    tokio::time::sleep(testing::ms(1_000)).await;
    assert!(careful.is_finished());
    assert!(!forgetful.is_finished()); // never woken: it would wait for ever
    forgetful.abort();
}
