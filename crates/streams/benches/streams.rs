//! Benchmarks of the streams crate: the concurrent map over 1 000 000 items with at most 100 in
//! flight, beside hand-written `buffer_unordered` / `buffered` and a hand-written `JoinSet`.
//!
//! Each step yields to the runtime once before returning, so every item is polled twice (the
//! cost being measured is the bookkeeping around the step, not the step). Everything runs on one
//! current-thread runtime, one entry after the other; each entry's time is the best of 3 runs.

use std::future::ready;

use futures::StreamExt;
use testing::bench::{Report, Value, best_of};
use tokio::task::JoinSet;

const ITEMS: u64 = 1_000_000;
const LIMIT: usize = 100;
const RUNS: usize = 3;

async fn step(x: u64) -> u64 {
    tokio::task::yield_now().await;
    x.wrapping_mul(3)
}

fn expected() -> u64 {
    (0..ITEMS)
        .map(|x| x.wrapping_mul(3))
        .fold(0, u64::wrapping_add)
}

fn measure(runtime: &tokio::runtime::Runtime, work: impl AsyncFn() -> u64) -> Value {
    let expected = expected();
    Value::Time(best_of(RUNS, || {
        let total = runtime.block_on(work());
        assert_eq!(total, expected, "every item mapped exactly once");
    }))
}

async fn hand_buffer_unordered() -> u64 {
    futures::stream::iter(0..ITEMS)
        .map(step)
        .buffer_unordered(LIMIT)
        .fold(0u64, |total, x| ready(total.wrapping_add(x)))
        .await
}

async fn ours_unordered() -> u64 {
    streams::map_unordered(futures::stream::iter(0..ITEMS), LIMIT, step)
        .expect("limit is positive")
        .fold(0u64, |total, x| ready(total.wrapping_add(x)))
        .await
}

async fn hand_join_set() -> u64 {
    let mut set = JoinSet::new();
    let mut items = 0..ITEMS;
    let mut total = 0u64;
    // Start `LIMIT` tasks, then start one more each time one finishes.
    for x in items.by_ref().take(LIMIT) {
        set.spawn(step(x));
    }
    while let Some(joined) = set.join_next().await {
        total = total.wrapping_add(joined.expect("no step panics"));
        if let Some(x) = items.next() {
            set.spawn(step(x));
        }
    }
    total
}

async fn ours_spawned() -> u64 {
    streams::map_spawned(futures::stream::iter(0..ITEMS), LIMIT, step)
        .expect("limit is positive")
        .fold(0u64, |total, x| {
            ready(total.wrapping_add(x.expect("no step panics")))
        })
        .await
}

async fn hand_buffered() -> u64 {
    futures::stream::iter(0..ITEMS)
        .map(step)
        .buffered(LIMIT)
        .fold(0u64, |total, x| ready(total.wrapping_add(x)))
        .await
}

async fn ours_ordered() -> u64 {
    streams::map_ordered(futures::stream::iter(0..ITEMS), LIMIT, step)
        .expect("limit is positive")
        .fold(0u64, |total, x| ready(total.wrapping_add(x)))
        .await
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime starts");

    let mut unordered = Report::new(format!(
        "concurrent map, unordered: {ITEMS} items, limit {LIMIT}, current-thread runtime"
    ));
    unordered
        .add(
            "hand-written buffer_unordered",
            measure(&runtime, hand_buffer_unordered),
        )
        .add("streams::map_unordered", measure(&runtime, ours_unordered))
        .add(
            "hand-written JoinSet (limit 100)",
            measure(&runtime, hand_join_set),
        )
        .add(
            "streams::map_spawned (ordered)",
            measure(&runtime, ours_spawned),
        );
    unordered.print();

    let mut ordered = Report::new(format!(
        "concurrent map, ordered: {ITEMS} items, limit {LIMIT}, current-thread runtime"
    ));
    ordered
        .add("hand-written buffered", measure(&runtime, hand_buffered))
        .add("streams::map_ordered", measure(&runtime, ours_ordered));
    ordered.print();
}
