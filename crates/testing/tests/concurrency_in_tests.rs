//! Concurrency in tests: asserting that work overlapped.

use testing::concurrency_in_tests::job;
use testing::{InFlight, ms};
use tokio::task::JoinSet;
use tokio::time::Instant;

// ANCHOR: join
#[tokio::test(start_paused = true)]
async fn join_runs_three_jobs_at_once() {
    let in_flight = InFlight::new();
    let start = Instant::now();
    let (a, b, c) = tokio::join!(
        job(in_flight.clone(), 1, ms(1_000)),
        job(in_flight.clone(), 2, ms(1_000)),
        job(in_flight.clone(), 3, ms(1_000)),
    );
    assert_eq!((a, b, c), (1, 2, 3));
    assert_eq!(start.elapsed(), ms(1_000)); // not 3 s
    assert_eq!(in_flight.max(), 3); // all three were in flight together
}
// ANCHOR_END: join

// ANCHOR: join_set
#[tokio::test(start_paused = true)]
async fn a_join_set_overlaps_jobs_of_different_lengths() {
    let in_flight = InFlight::new();
    let start = Instant::now();
    let mut set = JoinSet::new();
    for (id, length) in [(1, 300), (2, 100), (3, 200)] {
        set.spawn(job(in_flight.clone(), id, ms(length)));
    }
    let mut order = Vec::new();
    while let Some(done) = set.join_next().await {
        order.push(done.expect("no job panics"));
    }
    assert_eq!(order, [2, 3, 1]); // completion order, shortest first
    assert_eq!(start.elapsed(), ms(300)); // the longest, not the sum
    assert_eq!(in_flight.max(), 3);
}
// ANCHOR_END: join_set

// ANCHOR: serial
#[tokio::test(start_paused = true)]
async fn the_witnesses_catch_work_that_only_looks_concurrent() {
    let in_flight = InFlight::new();
    let start = Instant::now();
    let mut ids = Vec::new();
    for id in 1..=3 {
        ids.push(job(in_flight.clone(), id, ms(1_000)).await); // the bug: one at a time
    }
    assert_eq!(ids, [1, 2, 3]); // the results alone pass
    assert_eq!(start.elapsed(), ms(3_000)); // the clock does not
    assert_eq!(in_flight.max(), 1); // nor does the witness
}
// ANCHOR_END: serial
