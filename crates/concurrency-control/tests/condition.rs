//! The condition: waiters see the predicate come true, check-and-act is atomic, and no
//! wake-up is lost between a check and the `.await`.

use std::time::Duration;

use concurrency_control::Condition;
use tokio::time::{Instant, sleep};
use tokio_test::{assert_pending, assert_ready, task};

#[tokio::test(start_paused = true)]
async fn waiters_return_when_the_predicate_holds() {
    let level = Condition::new(0u32);
    let start = Instant::now();
    let producer = async {
        for _ in 0..5 {
            sleep(Duration::from_millis(100)).await;
            level.modify(|n| *n += 1);
        }
    };
    let (seen, ()) = tokio::join!(level.wait_for(|n| *n >= 3), producer);
    assert_eq!(seen, 3);
    assert_eq!(start.elapsed(), Duration::from_millis(500));
    level.with(|n| assert_eq!(*n, 5));
}

#[tokio::test(start_paused = true)]
async fn two_consumers_never_take_the_same_item() {
    let stock = Condition::new(Vec::<u32>::new());
    let take = |stock: Condition<Vec<u32>>| async move {
        stock.wait_then(|s| !s.is_empty(), |s| s.pop()).await
    };
    let consumers: Vec<_> = (0..4).map(|_| tokio::spawn(take(stock.clone()))).collect();
    sleep(Duration::from_millis(10)).await;
    // One modification makes all four consumers re-check; only two items exist.
    stock.modify(|s| s.extend([1, 2]));
    sleep(Duration::from_millis(10)).await;
    let finished = consumers.iter().filter(|c| c.is_finished()).count();
    assert_eq!(finished, 2);
    stock.modify(|s| s.extend([3, 4]));
    let mut got = Vec::new();
    for consumer in consumers {
        got.push(consumer.await.expect("no panic").expect("an item"));
    }
    got.sort_unstable();
    assert_eq!(got, [1, 2, 3, 4]);
}

#[tokio::test]
async fn no_wake_up_is_lost_between_the_check_and_the_await() {
    let ready = Condition::new(false);
    let mut waiter = task::spawn(ready.wait_then(|r| *r, |r| std::mem::replace(r, false)));
    // First poll: the predicate is false, so the waiter registers and parks.
    assert_pending!(waiter.poll());
    // The change lands after the check; the parked waiter must be woken by it.
    ready.modify(|r| *r = true);
    assert!(waiter.is_woken(), "the wake-up was lost");
    assert!(assert_ready!(waiter.poll()));
    ready.with(|r| assert!(!*r, "the action ran under the lock"));
}

#[tokio::test]
async fn a_change_between_wait_for_polls_is_seen() {
    let n = Condition::new(0);
    let mut waiter = task::spawn(n.wait_for(|n| *n == 2));
    assert_pending!(waiter.poll());
    n.modify(|n| *n = 1);
    assert!(waiter.is_woken());
    assert_pending!(waiter.poll());
    n.modify(|n| *n = 2);
    assert_eq!(assert_ready!(waiter.poll()), 2);
}
