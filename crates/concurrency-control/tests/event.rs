//! The event: latched, wakes every current and future waiter, and can be cleared.

use std::time::Duration;

use concurrency_control::Event;
use tokio::time::{Instant, sleep};
use tokio_test::{assert_pending, assert_ready, task};

#[tokio::test(start_paused = true)]
async fn set_wakes_every_current_waiter_and_every_later_one() {
    let event = Event::new();
    let start = Instant::now();
    let waiter = || async {
        event.wait().await;
        start.elapsed()
    };
    let setter = async {
        sleep(Duration::from_secs(1)).await;
        event.set();
    };
    let (a, b, c, ()) = tokio::join!(waiter(), waiter(), waiter(), setter);
    assert_eq!([a, b, c], [Duration::from_secs(1); 3]);
    // A waiter that comes after the set goes straight through.
    let mut late = task::spawn(event.wait());
    assert_ready!(late.poll());
    assert!(event.is_set());
}

#[tokio::test]
async fn clear_rearms_the_event() {
    let event = Event::default();
    event.set();
    event.set(); // idempotent
    event.clear();
    assert!(!event.is_set());
    let mut waiter = task::spawn(event.wait());
    assert_pending!(waiter.poll());
    event.set();
    assert!(waiter.is_woken());
    assert_ready!(waiter.poll());
}

#[tokio::test]
async fn a_waiter_polled_once_then_set_is_woken() {
    // The notify_waiters pitfall does not apply: registration and the check are one step.
    let event = Event::new();
    let mut first = task::spawn(event.wait());
    assert_pending!(first.poll());
    let mut second = task::spawn(event.wait()); // created, never polled before the set
    event.set();
    assert!(first.is_woken());
    assert_ready!(first.poll());
    assert_ready!(second.poll());
}

#[tokio::test]
async fn a_set_then_clear_still_releases_the_waiters_it_woke() {
    // asyncio.Event: set() releases every current waiter, even if clear() follows at once.
    let event = Event::new();
    let mut waiter = task::spawn(event.wait());
    assert_pending!(waiter.poll());
    event.set();
    event.clear();
    assert!(waiter.is_woken());
    assert_ready!(waiter.poll());
    // A waiter that arrives after the clear waits for the next set.
    let mut late = task::spawn(event.wait());
    assert_pending!(late.poll());
}
