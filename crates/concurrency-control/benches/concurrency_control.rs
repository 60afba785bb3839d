//! Benchmarks of the concurrency-control patterns beside hand-written tokio and governor.
//!
//! `cargo bench -p concurrency-control` (or `cargo xtask bench`). Each workload runs every
//! entry in one process, taking turns for several rounds, and prints each entry's best run and
//! its ratio against the first entry. The lock reports end with their baseline run again: the
//! spread between the two baseline rows is the noise of this machine.

use std::hint::black_box;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use basics::config::MAX_CAPACITY;
use concurrency_control::{AsyncCounter, BoundedMap, RateLimiter, SyncCounter};
use futures::stream::{self, StreamExt};
use testing::bench::{Report, Value, best_of};
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

const ITEMS: u64 = 100_000;
const LIMIT: usize = 64;
const RUNS: usize = 9;

/// One benchmark entry: a name and a closure that runs the workload once.
type Entry<'a> = (&'a str, Box<dyn FnMut() + 'a>);

/// Runs the entries round-robin, `RUNS` rounds, and reports each entry's fastest run. Taking
/// turns spreads the machine's drift (the bench shares two cores) over every entry alike.
fn compare(title: String, mut entries: Vec<Entry<'_>>) {
    let mut best = vec![Duration::MAX; entries.len()];
    for _ in 0..RUNS {
        for (index, (_, run)) in entries.iter_mut().enumerate() {
            best[index] = best[index].min(best_of(1, &mut *run));
        }
    }
    let mut report = Report::new(title);
    for ((name, _), time) in entries.iter().zip(best) {
        report.add(*name, Value::Time(time));
    }
    report.print();
}

/// One unit of async work: yields once so every item really suspends.
async fn work(n: u64) -> u64 {
    tokio::task::yield_now().await;
    n * 2
}

fn current_thread() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime builds")
}

fn multi_thread() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime builds")
}

fn bounded(rt: &Runtime) {
    let limit = BoundedMap::new(LIMIT).expect("valid");
    compare(
        format!("bounded concurrency, spawned: {ITEMS} items, {LIMIT} at once"),
        vec![
            (
                "hand-written Semaphore + JoinSet",
                Box::new(|| {
                    black_box(rt.block_on(async {
                        let semaphore = Arc::new(Semaphore::new(LIMIT));
                        let mut set = JoinSet::new();
                        for n in 0..ITEMS {
                            let permit =
                                Arc::clone(&semaphore).acquire_owned().await.expect("open");
                            set.spawn(async move {
                                let out = work(n).await;
                                drop(permit);
                                out
                            });
                        }
                        let mut out = Vec::with_capacity(ITEMS as usize);
                        while let Some(joined) = set.join_next().await {
                            out.push(joined.expect("no panic"));
                        }
                        out
                    }));
                }),
            ),
            (
                "BoundedMap::spawn (input order)",
                Box::new(|| {
                    black_box(rt.block_on(limit.spawn(0..ITEMS, work)).expect("no panic"));
                }),
            ),
        ],
    );
    compare(
        format!("bounded concurrency, one task: {ITEMS} items, {LIMIT} at once"),
        vec![
            (
                "bare buffer_unordered",
                Box::new(|| {
                    black_box(
                        rt.block_on(
                            stream::iter(0..ITEMS)
                                .map(work)
                                .buffer_unordered(LIMIT)
                                .collect::<Vec<_>>(),
                        ),
                    );
                }),
            ),
            (
                "BoundedMap::unordered",
                Box::new(|| {
                    black_box(rt.block_on(limit.unordered(0..ITEMS, work)));
                }),
            ),
            (
                "BoundedMap::ordered",
                Box::new(|| {
                    black_box(rt.block_on(limit.ordered(0..ITEMS, work)));
                }),
            ),
        ],
    );
}

fn rate(rt: &Runtime) {
    // Fewer than the largest burst (MAX_CAPACITY, 2^20), so our limiter never makes one wait.
    const ACQUIRES: u32 = 1_000_000;
    let quota = governor::Quota::per_second(NonZeroU32::MAX).allow_burst(NonZeroU32::MAX);
    compare(
        format!("rate limiter: {ACQUIRES} acquires, never limited (the cost of admission)"),
        vec![
            (
                "governor until_ready",
                Box::new(|| {
                    let limiter = governor::RateLimiter::direct(quota);
                    rt.block_on(async {
                        for _ in 0..ACQUIRES {
                            limiter.until_ready().await;
                        }
                    });
                }),
            ),
            (
                "RateLimiter::acquire",
                Box::new(|| {
                    let limiter =
                        RateLimiter::per_second(MAX_CAPACITY, MAX_CAPACITY).expect("valid");
                    rt.block_on(async {
                        for _ in 0..ACQUIRES {
                            limiter.acquire().await;
                        }
                    });
                }),
            ),
        ],
    );
    compare(
        format!("rate limiter: {ACQUIRES} non-blocking checks"),
        vec![
            (
                "governor check",
                Box::new(|| {
                    let limiter = governor::RateLimiter::direct(quota);
                    black_box(rt.block_on(async {
                        (0..ACQUIRES).filter(|_| limiter.check().is_ok()).count()
                    }));
                }),
            ),
            (
                "RateLimiter::try_acquire",
                Box::new(|| {
                    let limiter =
                        RateLimiter::per_second(MAX_CAPACITY, MAX_CAPACITY).expect("valid");
                    black_box(rt.block_on(async {
                        (0..ACQUIRES)
                            .filter(|_| limiter.try_acquire().is_ok())
                            .count()
                    }));
                }),
            ),
        ],
    );
}

const TASKS: u64 = 1_000;
const INCREMENTS: u64 = 1_000;

/// Spawns `TASKS` tasks on `$rt` that each run `$increment` on `$counter` `INCREMENTS` times,
/// and waits for them. A macro rather than a function so each entry's loop is written out in
/// place, borrowing its counter with no extra `Arc` traffic per increment.
macro_rules! hammer {
    ($rt:expr, $counter:expr, |$c:ident| $increment:expr) => {
        $rt.block_on(async {
            let mut set = JoinSet::new();
            for _ in 0..TASKS {
                let counter = Arc::clone(&$counter);
                set.spawn(async move {
                    let $c = &*counter;
                    for _ in 0..INCREMENTS {
                        $increment;
                    }
                });
            }
            set.join_all().await;
        })
    };
}

fn locks(rt: &Runtime) {
    let title =
        |kind| format!("lock counter, {kind}: {TASKS} tasks x {INCREMENTS} increments, 2 workers");
    compare(
        title("tokio Mutex"),
        vec![
            (
                "hand-written tokio Mutex",
                Box::new(|| {
                    let counter = Arc::new(tokio::sync::Mutex::new(0u64));
                    hammer!(rt, counter, |c| *c.lock().await += 1);
                    assert_eq!(*counter.try_lock().expect("free"), TASKS * INCREMENTS);
                }),
            ),
            (
                "AsyncCounter::increment",
                Box::new(|| {
                    let counter = Arc::new(AsyncCounter::default());
                    hammer!(rt, counter, |c| c.increment().await);
                    assert_eq!(rt.block_on(counter.get()), TASKS * INCREMENTS);
                }),
            ),
            (
                "hand-written again (noise)",
                Box::new(|| {
                    let counter = Arc::new(tokio::sync::Mutex::new(0u64));
                    hammer!(rt, counter, |c| *c.lock().await += 1);
                    assert_eq!(*counter.try_lock().expect("free"), TASKS * INCREMENTS);
                }),
            ),
        ],
    );
    compare(
        title("std Mutex"),
        vec![
            (
                "hand-written std Mutex",
                Box::new(|| {
                    let counter = Arc::new(std::sync::Mutex::new(0u64));
                    hammer!(rt, counter, |c| *c.lock().expect("not poisoned") += 1);
                    assert_eq!(*counter.lock().expect("not poisoned"), TASKS * INCREMENTS);
                }),
            ),
            (
                "SyncCounter::increment",
                Box::new(|| {
                    let counter = Arc::new(SyncCounter::default());
                    hammer!(rt, counter, |c| c.increment());
                    assert_eq!(counter.get(), TASKS * INCREMENTS);
                }),
            ),
            (
                "hand-written again (noise)",
                Box::new(|| {
                    let counter = Arc::new(std::sync::Mutex::new(0u64));
                    hammer!(rt, counter, |c| *c.lock().expect("not poisoned") += 1);
                    assert_eq!(*counter.lock().expect("not poisoned"), TASKS * INCREMENTS);
                }),
            ),
        ],
    );
}

fn main() {
    let single = current_thread();
    bounded(&single);
    rate(&single);
    locks(&multi_thread());
}
