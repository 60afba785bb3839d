//! W1–W6 and W8: tasks, bounded fan-out, queues, locks, timeouts and parked tasks.
//!
//! Each function runs both variants of one workload; the differences between the two are the
//! point, so they sit side by side in one `match`.

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use concurrency_control::{AsyncCounter, BoundedMap, Event, SyncCounter};
use futures::StreamExt;
use tokio::sync::{Mutex, Notify, mpsc};
use tokio::task::JoinSet;

use crate::{Error, Gate, Outcome, Params, Peak, Variant, measure, value};

/// Joins every task of `set` and adds up what they returned.
async fn sum_joined(mut set: JoinSet<u64>) -> Result<u64, Error> {
    let mut sum = 0u64;
    while let Some(joined) = set.join_next().await {
        sum = sum.wrapping_add(joined?);
    }
    Ok(sum)
}

fn sum(values: impl IntoIterator<Item = u64>) -> u64 {
    values.into_iter().fold(0, u64::wrapping_add)
}

/// W1, gather: `n` tasks each sleep `ms` milliseconds and return [`value`]`(i)`.
///
/// Witness: the most tasks asleep at once (must be `n`). Checksum: the sum of the values.
/// Tokio: a `JoinSet`. Ours: `basics::spawn_all`.
///
/// # Errors
/// A missing parameter or a panicked task.
pub async fn gather(variant: Variant, params: &Params) -> Result<Outcome, Error> {
    let (n, pause) = (params.get("n")?, Duration::from_millis(params.get("ms")?));
    let asleep = Arc::new(Peak::default());
    let sleeper = |i: u64| {
        let asleep = Arc::clone(&asleep);
        async move {
            asleep.enter();
            tokio::time::sleep(pause).await;
            asleep.leave();
            value(i)
        }
    };
    let checksum = match variant {
        Variant::Tokio => {
            let mut set = JoinSet::new();
            for i in 0..n {
                set.spawn(sleeper(i));
            }
            sum_joined(set).await?
        }
        Variant::Ours => sum(basics::spawn_all((0..n).map(sleeper)).await?),
    };
    Ok(Outcome::new(asleep.peak(), checksum))
}

/// W2, bounded fan-out: `n` items, at most `limit` at once, each sleeping `ms` milliseconds.
///
/// Witness: the most items in flight at once (must be `limit`). Checksum: the sum of the
/// values. Tokio: `buffer_unordered` on the current task (no task per item, the cheapest
/// arrangement). Ours: `BoundedMap::spawn`, a task per item like asyncio's `gather`.
///
/// # Errors
/// A missing parameter, a zero limit or a panicked task.
pub async fn bounded(variant: Variant, params: &Params) -> Result<Outcome, Error> {
    let (n, limit) = (params.get("n")?, params.count("limit")?);
    let pause = Duration::from_millis(params.get("ms")?);
    let in_flight = Arc::new(Peak::default());
    let item = |i: u64| {
        let in_flight = Arc::clone(&in_flight);
        async move {
            in_flight.enter();
            tokio::time::sleep(pause).await;
            in_flight.leave();
            value(i)
        }
    };
    let checksum = match variant {
        Variant::Tokio => {
            futures::stream::iter(0..n)
                .map(item)
                .buffer_unordered(limit)
                .fold(0u64, |sum, v| async move { sum.wrapping_add(v) })
                .await
        }
        Variant::Ours => sum(BoundedMap::new(limit)?.spawn(0..n, item).await?),
    };
    Ok(Outcome::new(in_flight.peak(), checksum))
}

/// Splits `0..n` into `parts` contiguous ranges (the last takes the remainder).
pub fn ranges(n: u64, parts: u64) -> Vec<Range<u64>> {
    let per = n / parts;
    (0..parts)
        .map(|p| p * per..if p + 1 == parts { n } else { (p + 1) * per })
        .collect()
}

/// W3 and W4, a bounded queue: `producers` tasks send `0..n` between them, `consumers` tasks
/// receive and add up, capacity `capacity`.
///
/// Witness: the producer and consumer tasks waiting at the start gate at once (must be
/// `producers + consumers`). Checksum: the sum of the items, `n(n-1)/2`.
/// Tokio: `mpsc` for one consumer; for several, `async-channel` (tokio has no multi-consumer
/// channel, and sharing an `mpsc::Receiver` behind a lock is slower). Ours:
/// `producer_consumer::bounded_queue`.
///
/// # Errors
/// A missing parameter, a zero capacity or a panicked task.
pub async fn queue(variant: Variant, params: &Params) -> Result<Outcome, Error> {
    let n = params.get("n")?;
    let (producers, consumers) = (params.get("producers")?, params.get("consumers")?);
    let capacity = params.count("capacity")?;
    let gate = Arc::new(Gate::default());
    let mut set = JoinSet::new();
    match variant {
        Variant::Tokio if consumers == 1 => {
            let (tx, mut rx) = mpsc::channel(capacity);
            for range in ranges(n, producers) {
                let (tx, gate) = (tx.clone(), Arc::clone(&gate));
                set.spawn(async move {
                    gate.arrive().await;
                    for i in range {
                        if tx.send(i).await.is_err() {
                            break; // the consumer is gone: the checksum will say so
                        }
                    }
                    0
                });
            }
            let gate = Arc::clone(&gate);
            set.spawn(async move {
                gate.arrive().await;
                let mut sum = 0u64;
                while let Some(i) = rx.recv().await {
                    sum = sum.wrapping_add(i);
                }
                sum
            });
        }
        Variant::Tokio => {
            let (tx, rx) = async_channel::bounded(capacity);
            for range in ranges(n, producers) {
                let (tx, gate) = (tx.clone(), Arc::clone(&gate));
                set.spawn(async move {
                    gate.arrive().await;
                    for i in range {
                        if tx.send(i).await.is_err() {
                            break;
                        }
                    }
                    0
                });
            }
            for _ in 0..consumers {
                let (rx, gate) = (rx.clone(), Arc::clone(&gate));
                set.spawn(async move {
                    gate.arrive().await;
                    let mut sum = 0u64;
                    while let Ok(i) = rx.recv().await {
                        sum = sum.wrapping_add(i);
                    }
                    sum
                });
            }
        }
        Variant::Ours => {
            let (tx, rx) = producer_consumer::bounded_queue::channel(capacity)?;
            for range in ranges(n, producers) {
                let (tx, gate) = (tx.clone(), Arc::clone(&gate));
                set.spawn(async move {
                    gate.arrive().await;
                    for i in range {
                        if tx.send(i).await.is_err() {
                            break;
                        }
                    }
                    0
                });
            }
            for _ in 0..consumers {
                let (rx, gate) = (rx.clone(), Arc::clone(&gate));
                set.spawn(async move {
                    gate.arrive().await;
                    let mut sum = 0u64;
                    while let Some(i) = rx.recv().await {
                        sum = sum.wrapping_add(i);
                    }
                    sum
                });
            }
        }
    }
    // Only the tasks hold ends of the queue now, so it closes when the producers finish.
    gate.open_when(producers + consumers).await;
    let checksum = sum_joined(set).await?;
    Ok(Outcome::new(gate.peak(), checksum))
}

/// Which lock W5 takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    /// `tokio::sync::Mutex` (ours: `AsyncCounter`), the mirror of `asyncio.Lock`.
    Tokio,
    /// `std::sync::Mutex` (ours: `SyncCounter`), right when the lock is never held across an
    /// `.await`.
    Std,
}

/// W5, a lock counter: `tasks` tasks each add one `increments` times under a lock.
///
/// Witness: the tasks waiting at the start gate at once (must be `tasks`). Checksum: the final
/// count, `tasks × increments`.
///
/// # Errors
/// A missing parameter or a panicked task.
pub async fn lock(variant: Variant, params: &Params, kind: LockKind) -> Result<Outcome, Error> {
    let (tasks, increments) = (params.get("tasks")?, params.get("increments")?);
    let gate = Arc::new(Gate::default());
    let mut set = JoinSet::new();
    // Each arm spawns the tasks and keeps its counter, read once every task has joined.
    let counter = match (variant, kind) {
        (Variant::Tokio, LockKind::Tokio) => {
            let counter = Arc::new(Mutex::new(0u64));
            for _ in 0..tasks {
                let (counter, gate) = (Arc::clone(&counter), Arc::clone(&gate));
                set.spawn(async move {
                    gate.arrive().await;
                    for _ in 0..increments {
                        *counter.lock().await += 1;
                    }
                    0
                });
            }
            Counter::Tokio(counter)
        }
        (Variant::Tokio, LockKind::Std) => {
            let counter = Arc::new(std::sync::Mutex::new(0u64));
            for _ in 0..tasks {
                let (counter, gate) = (Arc::clone(&counter), Arc::clone(&gate));
                set.spawn(async move {
                    gate.arrive().await;
                    for _ in 0..increments {
                        // A std lock is right here: it is never held across an `.await`.
                        *counter.lock().expect("no task panics holding it") += 1;
                    }
                    0
                });
            }
            Counter::Std(counter)
        }
        (Variant::Ours, LockKind::Tokio) => {
            let counter = Arc::new(AsyncCounter::default());
            for _ in 0..tasks {
                let (counter, gate) = (Arc::clone(&counter), Arc::clone(&gate));
                set.spawn(async move {
                    gate.arrive().await;
                    for _ in 0..increments {
                        counter.increment().await;
                    }
                    0
                });
            }
            Counter::Async(counter)
        }
        (Variant::Ours, LockKind::Std) => {
            let counter = Arc::new(SyncCounter::default());
            for _ in 0..tasks {
                let (counter, gate) = (Arc::clone(&counter), Arc::clone(&gate));
                set.spawn(async move {
                    gate.arrive().await;
                    for _ in 0..increments {
                        counter.increment();
                    }
                    0
                });
            }
            Counter::Sync(counter)
        }
    };
    gate.open_when(tasks).await;
    sum_joined(set).await?;
    Ok(Outcome::new(gate.peak(), counter.read().await))
}

/// W5's counter, one kind per arm.
enum Counter {
    Tokio(Arc<Mutex<u64>>),
    Std(Arc<std::sync::Mutex<u64>>),
    Async(Arc<AsyncCounter>),
    Sync(Arc<SyncCounter>),
}

impl Counter {
    async fn read(&self) -> u64 {
        match self {
            Counter::Tokio(counter) => *counter.lock().await,
            Counter::Std(counter) => *counter.lock().expect("no task panicked holding it"),
            Counter::Async(counter) => counter.get().await,
            Counter::Sync(counter) => counter.get(),
        }
    }
}

/// W6, a timeout around a ready operation, `n` times in a row with a 1 s limit.
///
/// Witness: the operations that finished within their limit (must be `n`). Checksum: the sum of
/// their values. Tokio: `tokio::time::timeout`. Ours: `errors_timeouts::timeout`.
///
/// # Errors
/// A missing parameter.
pub async fn timeout(variant: Variant, params: &Params) -> Result<Outcome, Error> {
    let n = params.get("n")?;
    let limit = Duration::from_secs(1);
    let (mut in_time, mut checksum) = (0u64, 0u64);
    for i in 0..n {
        // An async block that is ready on its first poll, like `async def op(): return v`.
        let operation = async move { value(i) };
        let outcome = match variant {
            Variant::Tokio => tokio::time::timeout(limit, operation).await.ok(),
            Variant::Ours => errors_timeouts::timeout(limit, operation)?.await.ok(),
        };
        if let Some(v) = outcome {
            in_time += 1;
            checksum = checksum.wrapping_add(v);
        }
    }
    Ok(Outcome::new(in_time, checksum))
}

/// W8, parked tasks: `n` tasks wait on one event, then return [`value`]`(i)` when it is set.
///
/// Witness: the most tasks parked at once (must be `n`). Checksum: the sum of the values.
/// Also reports the resident memory per parked task: the growth of `VmRSS` from before the
/// first spawn to when all are parked, divided by `n`. Tokio: `Notify` and a `JoinSet`. Ours:
/// `concurrency_control::Event` and `basics::spawn_all`.
///
/// # Errors
/// A missing parameter or a panicked task.
pub async fn parked(variant: Variant, params: &Params) -> Result<Outcome, Error> {
    let n = params.get("n")?;
    let parked = Arc::new(Peak::default());
    let before = measure::status_kib("VmRSS:").unwrap_or(0);
    // Read by whoever sees all `n` parked, before waking them.
    let all_parked = move |parked: &Peak| {
        let now = measure::status_kib("VmRSS:").unwrap_or(0);
        debug_assert_eq!(parked.now(), n);
        now.saturating_sub(before) * 1024 / n.max(1)
    };
    let (checksum, per_task) = match variant {
        Variant::Tokio => {
            let notify = Arc::new(Notify::new());
            let mut set = JoinSet::new();
            for i in 0..n {
                let (notify, parked) = (Arc::clone(&notify), Arc::clone(&parked));
                set.spawn(async move {
                    let woken = notify.notified();
                    tokio::pin!(woken);
                    // Registered before counting, so `notify_waiters` cannot miss this task.
                    woken.as_mut().enable();
                    parked.enter();
                    woken.await;
                    parked.leave();
                    value(i)
                });
            }
            while parked.now() < n {
                tokio::task::yield_now().await;
            }
            let per_task = all_parked(&parked);
            notify.notify_waiters();
            (sum_joined(set).await?, per_task)
        }
        Variant::Ours => {
            let event = Event::new();
            let waker = {
                let (event, parked) = (event.clone(), Arc::clone(&parked));
                tokio::spawn(async move {
                    while parked.now() < n {
                        tokio::task::yield_now().await;
                    }
                    let per_task = all_parked(&parked);
                    event.set();
                    per_task
                })
            };
            let tasks = (0..n).map(|i| {
                let (event, parked) = (event.clone(), Arc::clone(&parked));
                async move {
                    parked.enter();
                    event.wait().await;
                    parked.leave();
                    value(i)
                }
            });
            let checksum = sum(basics::spawn_all(tasks).await?);
            (checksum, waker.await?)
        }
    };
    let mut outcome = Outcome::new(parked.peak(), checksum);
    outcome.per_task_bytes = Some(per_task);
    Ok(outcome)
}
