//! Micro-batching: collect single requests for a moment, send them as one batch call, and give
//! each caller its own answer.
//!
//! [`MicroBatcher::spawn`] starts a flusher task fed by a bounded channel; [`MicroBatcher::call`]
//! queues a key and waits for its answer. A batch closes at `max_size` requests or `max_delay`
//! after its first, whichever comes first, and runs as its own task (at most `max_batches` at
//! once) while the next one collects; the batch call gets each key once. A failure reaches each
//! caller as a [`BatchError`]. Clones share the flusher: [`MicroBatcher::shutdown`] flushes what
//! is queued, and dropping the last clone aborts the flusher and its running batches.
//!
//! The lesson: `docs/concurrency-control.md`, section *Micro-batching*.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::future::Future;
use std::hash::Hash;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use basics::config::{self, ConfigError};
use basics::{PanicPayload, TaskFailed};
use futures::FutureExt;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;

/// When a batch is flushed, and how many requests may queue.
///
/// Counts are `1..=`[`MAX_CAPACITY`](config::MAX_CAPACITY); `max_delay` is at most
/// [`MAX_DURATION`](config::MAX_DURATION).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MicroBatcherConfig {
    /// Flush once this many requests are collected.
    pub max_size: usize,
    /// Flush this long after a batch's first request, however few it has. Zero means no wait:
    /// a batch takes the requests already queued behind its first one, and goes.
    pub max_delay: Duration,
    /// Requests that may wait for the flusher before callers wait too. The queue's slots are
    /// allocated when the batcher is spawned.
    pub queue: usize,
    /// Batch calls that may run at once. When all are busy, the next batch waits for one to
    /// finish and new requests wait in the queue (backpressure, not more calls).
    pub max_batches: usize,
}

impl Default for MicroBatcherConfig {
    /// 64 requests or 10 ms per batch, a queue of 1 024, 4 batch calls at once.
    fn default() -> MicroBatcherConfig {
        MicroBatcherConfig {
            max_size: 64,
            max_delay: Duration::from_millis(10),
            queue: 1_024,
            max_batches: 4,
        }
    }
}

impl MicroBatcherConfig {
    /// Checks every field.
    fn validate(self) -> Result<MicroBatcherConfig, ConfigError> {
        config::count("max_size", self.max_size)?;
        config::duration_or_zero("max_delay", self.max_delay)?;
        config::count("queue", self.queue)?;
        config::count("max_batches", self.max_batches)?;
        Ok(self)
    }
}

/// Why a call got no value.
///
/// Two [`TaskFailed`](BatchError::TaskFailed) errors are equal when they are the same failure:
/// the one shared by the callers of one batch.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BatchError<E> {
    /// The batch call failed; every caller in the batch gets its error.
    #[error("the batch call failed")]
    Failed(#[source] E),
    /// The batch call returned no answer for this key.
    #[error("the batch call returned no answer for this key")]
    Missing,
    /// The batch call panicked: [`TaskFailed::Panicked`] whose `index` is the batch's number
    /// (0 for the first batch the batcher flushed, then 1, 2, ...). Every caller in the batch
    /// shares it; the batcher lives on.
    #[error("the batch call gave no answer")]
    TaskFailed(#[source] Arc<TaskFailed>),
    /// The batcher stopped before answering.
    #[error("the batcher stopped before answering")]
    Closed,
}

impl<E: PartialEq> PartialEq for BatchError<E> {
    fn eq(&self, other: &BatchError<E>) -> bool {
        match (self, other) {
            (BatchError::Failed(a), BatchError::Failed(b)) => a == b,
            (BatchError::Missing, BatchError::Missing)
            | (BatchError::Closed, BatchError::Closed) => true,
            (BatchError::TaskFailed(a), BatchError::TaskFailed(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl<E: Eq> Eq for BatchError<E> {}

type Reply<V, E> = oneshot::Sender<Result<V, BatchError<E>>>;

// ANCHOR: micro_batcher
/// Turns single requests into batch calls flushed by size or time.
///
/// # Examples
/// ```
/// use std::collections::HashMap;
/// use std::time::Duration;
/// use concurrency_control::{MicroBatcher, MicroBatcherConfig};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = MicroBatcherConfig {
///     max_size: 10,
///     max_delay: Duration::from_millis(5),
///     queue: 64,
///     max_batches: 4,
/// };
/// let squares = MicroBatcher::spawn(config, |keys: Vec<u64>| async move {
///     Ok::<_, String>(keys.into_iter().map(|k| (k, k * k)).collect::<HashMap<_, _>>())
/// })?;
/// let (a, b) = tokio::join!(squares.call(3), squares.call(4)); // one batch call
/// assert_eq!((a, b), (Ok(9), Ok(16)));
/// squares.shutdown().await;
/// # Ok(())
/// # }
/// ```
///
/// A cheap `Clone` handle: clones share one flusher, so many tasks can call one batcher.
/// Dropping the last clone aborts the flusher and every running batch call.
/// [`shutdown`](MicroBatcher::shutdown) from any clone closes the batcher for every clone, flushes
/// what is queued, and waits for the running batches.
#[derive(Debug)]
#[must_use = "dropping the last clone of the batcher stops its flusher task"]
pub struct MicroBatcher<K, V, E> {
    inner: Arc<Inner<K, V, E>>,
}

#[derive(Debug)]
struct Inner<K, V, E> {
    requests: mpsc::Sender<(K, Reply<V, E>)>,
    /// Cancelled by `shutdown`: the flusher closes the queue and drains it.
    closing: CancellationToken,
    /// Cancelled when the flusher task ends, however it ends.
    stopped: CancellationToken,
    // Dropping the last clone aborts the flusher, whose `JoinSet` then aborts the running batches.
    _flusher: AbortOnDropHandle<()>,
}

impl<K, V, E> Clone for MicroBatcher<K, V, E> {
    fn clone(&self) -> Self {
        MicroBatcher {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<K, V, E> MicroBatcher<K, V, E>
where
    K: Eq + Hash + Clone + Send + 'static,
    V: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    /// Spawns the flusher on the current runtime. `batch` receives each key once and answers
    /// with a map from key to value.
    ///
    /// # Errors
    /// [`ConfigError`] for a `max_size`, `queue` or `max_batches` of 0 or past
    /// [`MAX_CAPACITY`](config::MAX_CAPACITY), or a `max_delay` past
    /// [`MAX_DURATION`](config::MAX_DURATION).
    ///
    /// # Panics
    /// Outside a tokio runtime, as [`tokio::spawn`] does.
    #[track_caller]
    pub fn spawn<F, Fut>(config: MicroBatcherConfig, batch: F) -> Result<Self, ConfigError>
    where
        F: Fn(Vec<K>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<HashMap<K, V>, E>> + Send + 'static,
    {
        let config = config.validate()?;
        let (requests, inbox) = mpsc::channel(config.queue);
        let (closing, stopped) = (CancellationToken::new(), CancellationToken::new());
        let flusher = tokio::spawn({
            let (closing, stopped) = (closing.clone(), stopped.clone());
            async move {
                let _stopped = stopped.drop_guard(); // also when the task is aborted
                flush_loop(config, inbox, &closing, Arc::new(batch)).await;
            }
        });
        Ok(MicroBatcher {
            inner: Arc::new(Inner {
                requests,
                closing,
                stopped,
                _flusher: AbortOnDropHandle::new(flusher),
            }),
        })
    }

    /// Queues `key` for the next batch and waits for its answer.
    ///
    /// # Errors
    /// [`BatchError::Failed`] with the batch call's error, [`BatchError::Missing`] when the call
    /// returned nothing for `key`, [`BatchError::TaskFailed`] when the call panicked,
    /// [`BatchError::Closed`] when the batcher was shut down (from any clone) before `key` was
    /// queued, or its flusher was cancelled from outside (its runtime shut down).
    ///
    /// # Cancel safety
    /// A drop while queueing sends nothing; a drop after that leaves `key` in its batch and
    /// discards the answer.
    pub async fn call(&self, key: K) -> Result<V, BatchError<E>> {
        let (reply, answer) = oneshot::channel();
        self.inner
            .requests
            .send((key, reply))
            .await
            .map_err(|_| BatchError::Closed)?;
        answer.await.unwrap_or(Err(BatchError::Closed))
    }

    /// Stops taking requests for every clone, flushes what is queued, and waits for every batch
    /// to answer.
    ///
    /// Calls already queued are answered; later calls, from any clone, get
    /// [`BatchError::Closed`]. Several clones may shut down at once: each waits for the flusher
    /// to finish. Returns nothing: every outcome, a batch call's panic included, has already gone
    /// to the callers of its batch, and the flusher's own code does not panic.
    ///
    /// # Cancel safety
    /// A drop while waiting drops this clone: the flusher and the running batches are aborted
    /// when it was the last one, and otherwise finish the queued calls.
    pub async fn shutdown(self) {
        self.inner.closing.cancel();
        // Ends when the flusher's task does; this clone keeps it from being aborted meanwhile.
        self.inner.stopped.cancelled().await;
    }
}

// ANCHOR: flush_loop
async fn flush_loop<K, V, E, F, Fut>(
    config: MicroBatcherConfig,
    mut inbox: mpsc::Receiver<(K, Reply<V, E>)>,
    closing: &CancellationToken,
    batch: Arc<F>,
) where
    K: Eq + Hash + Clone + Send + 'static,
    V: Clone + Send + 'static,
    E: Clone + Send + 'static,
    F: Fn(Vec<K>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<HashMap<K, V>, E>> + Send + 'static,
{
    let mut running = JoinSet::new();
    let mut number = 0_usize; // the next batch's number, for its `TaskFailed`
    // The first request opens a batch and starts its clock.
    while let Some(first) = next(&mut inbox, closing).await {
        // `max_delay` is at most a year (checked at spawn), so this cannot overflow.
        // ANCHOR: micro_batching_key
        let deadline = Instant::now() + config.max_delay;
        let mut pending = vec![first];
        while pending.len() < config.max_size {
            // `next` is cancel-safe, so losing the race to the deadline loses no request.
            match tokio::time::timeout_at(deadline, next(&mut inbox, closing)).await {
                Ok(Some(request)) => pending.push(request),
                Ok(None) | Err(_) => break, // closed (flush what we have) or time is up
            }
        }
        while running.try_join_next().is_some() {}
        // Bounded fan-out: with `max_batches` calls running, wait for one to finish; requests
        // meanwhile fill the bounded queue, and then make their callers wait.
        while running.len() >= config.max_batches {
            running.join_next().await;
        }
        // The batch runs in its own task, not under any lock, while the next one collects.
        running.spawn(run_batch(Arc::clone(&batch), number, pending));
        // ANCHOR_END: micro_batching_key
        number = number.wrapping_add(1);
    }
    while running.join_next().await.is_some() {}
}

/// The next request; once `closing` is cancelled, the queue takes no more (every clone's `send`
/// fails) and this gives what is already queued, then `None`. Cancel-safe, as `recv` is.
async fn next<T>(inbox: &mut mpsc::Receiver<T>, closing: &CancellationToken) -> Option<T> {
    tokio::select! {
        biased; // A queued request first; the same branch wins every run on the paused clock.
        request = inbox.recv() => request,
        () = closing.cancelled() => {
            inbox.close();
            inbox.recv().await
        }
    }
}
// ANCHOR_END: flush_loop

async fn run_batch<K, V, E, F, Fut>(batch: Arc<F>, number: usize, pending: Vec<(K, Reply<V, E>)>)
where
    K: Eq + Hash + Clone,
    V: Clone,
    E: Clone,
    F: Fn(Vec<K>) -> Fut,
    Fut: Future<Output = Result<HashMap<K, V>, E>>,
{
    // Duplicate keys share one slot in the call; their callers all wait on it.
    let mut keys = Vec::new();
    let mut callers: HashMap<K, Vec<Reply<V, E>>> = HashMap::new();
    for (key, reply) in pending {
        match callers.entry(key) {
            Entry::Occupied(mut slot) => slot.get_mut().push(reply),
            Entry::Vacant(slot) => {
                keys.push(slot.key().clone());
                slot.insert(vec![reply]);
            }
        }
    }
    // A panic, in `batch` or in its future, is caught here so that every caller hears of it
    // (a panicking task would only drop the replies, which reads as `Closed`). Nothing is
    // observed after the panic but the payload, so unwind safety is not at stake.
    let answers = AssertUnwindSafe(async { batch(keys).await })
        .catch_unwind()
        .await
        .map_err(|payload| {
            Arc::new(TaskFailed::Panicked {
                index: number,
                payload: PanicPayload::new(payload),
            })
        });
    for (key, replies) in callers {
        let answer = match &answers {
            Ok(Ok(values)) => values.get(&key).cloned().ok_or(BatchError::Missing),
            Ok(Err(error)) => Err(BatchError::Failed(error.clone())),
            Err(failed) => Err(BatchError::TaskFailed(Arc::clone(failed))),
        };
        for reply in replies {
            // A caller that gave up dropped its receiver; nothing to tell it.
            let _ = reply.send(answer.clone());
        }
    }
}
// ANCHOR_END: micro_batcher
