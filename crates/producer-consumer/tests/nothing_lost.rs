//! Nothing lost, nothing done twice: properties over random numbers of producers and consumers,
//! capacities, failing items, panicking work or consumers, producers and consumers cancelled and
//! the queue closed at random virtual times. Every accepted item is processed exactly once or
//! reported as failed; items not accepted are never processed; shutdown drains everything that
//! was accepted.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use producer_consumer::joinable_queue::JoinableQueue;
use producer_consumer::worker_pool::{self, WorkerPoolConfig};
use proptest::prelude::*;
use testing::{QuietPanics, paused_runtime};
use tokio::time::{sleep, timeout};

/// Starts the message of every panic these properties cause on purpose.
const DELIBERATE: &str = "deliberate panic";

#[derive(Debug, Clone)]
struct Scenario {
    producers: Vec<(u32, Option<u64>)>, // items to put, cancel after this many ms
    consumers: usize,
    capacity: usize,
    fail_every: u32,
    panic_every: u32,
    /// For consumers 1.. of the joinable queue: abort after this many ms (consumer 0 lives on).
    consumer_cancels: Vec<Option<u64>>,
    /// Close the queue (or the pool's input) after this many ms, producers still running or not.
    close_after: Option<u64>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        proptest::collection::vec((0u32..20, proptest::option::of(0u64..300)), 1..5),
        1usize..5,
        1usize..8,
        2u32..7,
        2u32..7,
        proptest::collection::vec(proptest::option::of(0u64..400), 4),
        proptest::option::of(0u64..400),
    )
        .prop_map(
            |(
                producers,
                consumers,
                capacity,
                fail_every,
                panic_every,
                consumer_cancels,
                close_after,
            )| {
                Scenario {
                    producers,
                    consumers,
                    capacity,
                    fail_every,
                    panic_every,
                    consumer_cancels,
                    close_after,
                }
            },
        )
}

/// What a given item does: 10 to 50 ms of work, then succeeds, fails or panics.
fn cost(item: u32) -> Duration {
    Duration::from_millis(u64::from(item % 5 + 1) * 10)
}

type Shared<T> = Arc<Mutex<T>>;

fn lock<T>(shared: &Shared<T>) -> std::sync::MutexGuard<'_, T> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_worker_pool_loses_nothing_and_repeats_nothing(s in scenario()) {
        let _quiet = QuietPanics::new();
        paused_runtime().block_on(async {
            let processed: Shared<BTreeMap<u32, usize>> = Shared::default();
            let accepted: Shared<BTreeMap<usize, u32>> = Shared::default();
            let config = WorkerPoolConfig { workers: s.consumers, capacity: s.capacity };
            let (fail_every, panic_every) = (s.fail_every, s.panic_every);
            let seen = Arc::clone(&processed);
            let (pool, mut results) = worker_pool::spawn(config, move |item: u32| {
                let seen = Arc::clone(&seen);
                async move {
                    *lock(&seen).entry(item).or_default() += 1;
                    sleep(cost(item)).await;
                    if item % panic_every == 1 {
                        panic!("{DELIBERATE}: item {item}");
                    }
                    if item.is_multiple_of(fail_every) { Err(item) } else { Ok(item) }
                }
            })
            .expect("valid config");
            for (p, &(count, cancel_after)) in s.producers.iter().enumerate() {
                let (pool, accepted) = (pool.clone(), Arc::clone(&accepted));
                let base = u32::try_from(p).expect("few producers") * 1_000;
                tokio::spawn(async move {
                    let produce = async {
                        for item in base..base + count {
                            let Ok(index) = pool.submit(item).await else { return };
                            // Nothing awaits between acceptance and this record, so a
                            // cancellation cannot fall between them.
                            lock(&accepted).insert(index, item);
                            sleep(Duration::from_millis(5)).await;
                        }
                    };
                    match cancel_after {
                        Some(ms) => drop(timeout(Duration::from_millis(ms), produce).await),
                        None => produce.await,
                    }
                });
            }
            if let Some(ms) = s.close_after {
                tokio::spawn(async move {
                    sleep(Duration::from_millis(ms)).await;
                    pool.close();
                });
            } else {
                drop(pool);
            }
            let mut outcomes = BTreeMap::new();
            let all = timeout(Duration::from_secs(3_600), async {
                while let Some(done) = results.recv().await {
                    assert!(outcomes.insert(done.index, done.output).is_none(), "reported twice");
                }
            });
            all.await.expect("shutdown drains: results end");
            let accepted = lock(&accepted).clone();
            let processed = lock(&processed).clone();
            prop_assert_eq!(
                outcomes.keys().collect::<Vec<_>>(),
                accepted.keys().collect::<Vec<_>>(),
                "every accepted item reported once"
            );
            for (index, item) in &accepted {
                prop_assert_eq!(processed.get(item), Some(&1), "item {} processed once", item);
                // A panic is reported with the item's own index; compare it by that index.
                let expected = if item % panic_every == 1 {
                    Err(*index)
                } else if item.is_multiple_of(fail_every) {
                    Ok(Err(*item))
                } else {
                    Ok(Ok(*item))
                };
                let outcome = match &outcomes[index] {
                    Ok(output) => Ok(*output),
                    Err(failed) => {
                        prop_assert!(failed.is_panic(), "{:?}", failed);
                        Err(failed.index())
                    }
                };
                prop_assert_eq!(outcome, expected);
            }
            let accepted_items: BTreeSet<u32> = accepted.values().copied().collect();
            prop_assert!(
                processed.keys().all(|item| accepted_items.contains(item)),
                "an item that was not accepted was processed"
            );
            Ok(())
        })?;
    }

    #[test]
    fn the_joinable_queue_finishes_every_item_despite_panicking_or_cancelled_consumers(
        s in scenario(),
    ) {
        let _quiet = QuietPanics::new();
        paused_runtime().block_on(async {
            let queue = JoinableQueue::new(s.capacity).expect("capacity >= 1");
            let accepted: Shared<Vec<u32>> = Shared::default();
            // What consumers took out of the queue, and which of those they marked done.
            let taken: Shared<Vec<u32>> = Shared::default();
            let done: Shared<Vec<u32>> = Shared::default();
            let mut producers = tokio::task::JoinSet::new();
            for (p, &(count, cancel_after)) in s.producers.iter().enumerate() {
                let (queue, accepted) = (queue.clone(), Arc::clone(&accepted));
                let base = u32::try_from(p).expect("few producers") * 1_000;
                producers.spawn(async move {
                    let produce = async {
                        for item in base..base + count {
                            if queue.put(item).await.is_err() { return }
                            // No await between acceptance and this record.
                            lock(&accepted).push(item);
                            sleep(Duration::from_millis(5)).await;
                        }
                    };
                    match cancel_after {
                        Some(ms) => drop(timeout(Duration::from_millis(ms), produce).await),
                        None => produce.await,
                    }
                });
            }
            if let Some(ms) = s.close_after {
                let queue = queue.clone();
                producers.spawn(async move {
                    sleep(Duration::from_millis(ms)).await;
                    queue.close();
                });
            }
            // Consumer 0 never panics and is never cancelled, so queued items always have
            // someone to take them; the others panic mid-item on every `panic_every`-th item,
            // and may be aborted at a random time, item in hand or not.
            let mut consumers = tokio::task::JoinSet::new();
            for c in 0..s.consumers {
                let (consumer, taken, done) =
                    (queue.consumer(), Arc::clone(&taken), Arc::clone(&done));
                let (fail_every, panic_every) = (s.fail_every, s.panic_every);
                let handle = consumers.spawn(async move {
                    while let Some(task) = consumer.get().await {
                        let item = *task;
                        lock(&taken).push(item);
                        sleep(cost(item)).await;
                        if c > 0 && item % panic_every == 1 {
                            panic!("{DELIBERATE}: consumer {c} on item {item}");
                        }
                        if item.is_multiple_of(fail_every) {
                            continue; // dropped without `done()`: failed
                        }
                        lock(&done).push(item);
                        task.done();
                    }
                });
                if let Some(&Some(ms)) = c.checked_sub(1).and_then(|i| s.consumer_cancels.get(i)) {
                    tokio::spawn(async move {
                        sleep(Duration::from_millis(ms)).await;
                        handle.abort();
                    });
                }
            }
            while producers.join_next().await.is_some() {}
            let joined = timeout(Duration::from_secs(3_600), queue.join())
                .await
                .expect("join cannot hang");
            // Consumer 0 lives until the queue is closed, so every item is finished.
            prop_assert_eq!(joined, Ok(()));
            // Shutdown: whatever was still queued has been drained by the consumers.
            queue.close();
            timeout(Duration::from_secs(3_600), async {
                while consumers.join_next().await.is_some() {}
            })
            .await
            .expect("closing ends every consumer");
            let counts = queue.counts();
            let mut accepted = lock(&accepted).clone();
            let mut taken = lock(&taken).clone();
            let mut done = lock(&done).clone();
            prop_assert_eq!(counts.unfinished, 0);
            prop_assert_eq!(counts.done + counts.failed, accepted.len());
            prop_assert_eq!(counts.done, done.len());
            accepted.sort_unstable();
            taken.sort_unstable();
            done.sort_unstable();
            prop_assert_eq!(&taken, &accepted, "each accepted item taken exactly once");
            let before = done.len();
            done.dedup();
            prop_assert_eq!(done.len(), before, "no item done twice");
            Ok(())
        })?;
    }
}
