//! A std guard across `.await`: two increments under `join!` on one thread deadlock with the
//! guard held across the `.await`, and finish with it dropped before.
//!
//! The deadlocked thread is left blocked until the test process exits; the wait for it is a
//! patience (real time), and the outcome asserted does not depend on how long the machine takes.

use std::time::Duration;

use pitfalls::guard_across_await::{self, Counter, Outcome, Version};

#[test]
fn a_std_guard_across_an_await_deadlocks_two_tasks_on_one_thread() {
    assert_eq!(
        guard_across_await::two_increments(Version::Wrong, Duration::from_millis(200)),
        Outcome::Deadlocked
    );
}

#[test]
fn a_guard_dropped_before_the_await_lets_both_finish() {
    assert_eq!(
        guard_across_await::two_increments(Version::Right, Duration::from_secs(10)),
        Outcome::Finished(2)
    );
}

#[tokio::test(start_paused = true)]
async fn alone_the_wrong_version_works_which_is_how_it_passes_review() {
    let counter = Counter::new();
    guard_across_await::increment_holding(&counter).await;
    guard_across_await::increment(&counter).await;
    assert_eq!(counter.get(), 2);
}
