//! A hand-written future is polled once, parks its waker, and is polled again only when woken.

use std::task::Poll;

use primer::Gate;
use primer::polling::wait_for_gate;
use testing::{Transcript, ms};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn two_polls_however_long_the_gate_stays_shut() {
    for wait in [ms(1), ms(500), ms(60_000)] {
        let t = Transcript::in_memory();
        let start = Instant::now();
        let note = {
            let t = t.clone();
            move |line: String| t.line(line)
        };
        assert_eq!(wait_for_gate(wait, note).await, 2);
        assert_eq!(start.elapsed(), wait);
        assert_eq!(t.lines()[1], "[+0.000s] poll 1 -> Pending, waker stored");
    }
}

#[test]
fn pending_stores_the_waker_and_open_wakes_it() {
    let gate = Gate::new();
    let mut wait = tokio_test::task::spawn(gate.wait(|_| {}));
    assert_eq!(wait.poll(), Poll::Pending);
    assert!(!wait.is_woken());
    assert!(gate.open(), "a parked waker was woken");
    assert!(wait.is_woken());
    assert_eq!(wait.poll(), Poll::Ready(()));
    assert_eq!(gate.polls(), 2);
    // Open already: ready at the first poll, and nobody to wake.
    assert!(!gate.open());
    assert_eq!(
        tokio_test::task::spawn(gate.wait(|_| {})).poll(),
        Poll::Ready(())
    );
}
