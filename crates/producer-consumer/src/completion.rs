//! Completion: every item processed, then every task gone, with no sentinels and nothing left
//! running.
//!
//! # Python
//! ```python
//! await asyncio.gather(*producers)     # producers done
//! await queue.join()                   # every item marked task_done
//! for c in consumers:
//!     c.cancel()                       # consumers are stuck in queue.get(): cancel them
//! await asyncio.gather(*consumers, return_exceptions=True)
//! ```
//!
//! # Rust
//! The channel does the counting: each producer owns a clone of the [`Sender`], and the queue
//! ends when the last clone drops. Consumers loop on `recv` until `None`, after draining what
//! was queued, and return. [`run_to_completion`] wires this up on a `JoinSet` that owns every
//! task and returns when the last consumer has returned.
//!
//! # Differences
//! - No cancellation is needed to stop the consumers: they return by themselves. In asyncio the
//!   consumers are still blocked in `queue.get()` after `join()`, so they must be cancelled.
//! - Dropping the future of [`run_to_completion`] drops its `JoinSet`, which aborts every
//!   producer and consumer: nothing outlives the call.
//!
//! # Pitfalls
//! - Holding a [`Sender`] outside the producers (the original one the channel returned): the
//!   queue never ends and the consumers wait forever. [`run_to_completion`] only ever hands out
//!   clones and drops the original before it waits.
//! - Counting sentinels: one per consumer is needed, not one per producer (★ defect 9).
//!
//! # See also
//! [`bounded_queue`], [`joinable_queue`](crate::joinable_queue).

use std::collections::HashMap;
use std::future::Future;

use tokio::task::{JoinError, JoinSet};

use crate::bounded_queue::{self, Receiver, Sender};

/// Why [`run_to_completion`] did not finish.
#[derive(Debug, thiserror::Error)]
pub enum CompletionError {
    /// The capacity was 0.
    #[error("capacity must be at least 1")]
    ZeroCapacity,
    /// No consumers: the producers would wait forever on a full queue.
    #[error("at least one consumer is needed")]
    NoConsumers,
    /// A producer panicked (or its runtime shut down); every other task was aborted.
    #[error("producer {index} did not finish")]
    ProducerFailed {
        /// The producer's position in the input.
        index: usize,
        /// The join error, carrying the panic payload.
        #[source]
        source: JoinError,
    },
    /// A consumer panicked (or its runtime shut down); every other task was aborted.
    #[error("consumer {index} did not finish")]
    ConsumerFailed {
        /// The consumer's number, from 0.
        index: usize,
        /// The join error, carrying the panic payload.
        #[source]
        source: JoinError,
    },
}

/// What [`run_to_completion`] saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed {
    /// How many items each consumer processed, by consumer number.
    pub per_consumer: Vec<usize>,
}

impl Completed {
    /// The number of items processed by all consumers together.
    pub fn total(&self) -> usize {
        self.per_consumer.iter().sum()
    }
}

/// Who a task is, so that a failed join (which only gives back a task id) can be named.
#[derive(Clone, Copy)]
enum Role {
    Producer(usize),
    Consumer(usize),
}

// ANCHOR: run_to_completion
/// Runs `producers` and `consumers` copies of `consume` over one queue of `capacity` items, and
/// returns once every item is processed and every task has returned.
///
/// Each producer is a closure given its own [`Sender`]; when it returns, its sender drops. When
/// the last one has dropped, consumers drain what is queued, see the end and return. No producers
/// at all is an empty run.
///
/// # Errors
/// [`CompletionError::ZeroCapacity`] or [`CompletionError::NoConsumers`] for bad input, before
/// anything runs; [`CompletionError::ProducerFailed`] or [`CompletionError::ConsumerFailed`] when
/// a task panicked (every other task is aborted).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), producer_consumer::completion::CompletionError> {
/// let producers = (0..2).map(|p| {
///     move |tx: producer_consumer::Sender<u32>| async move {
///         for i in 0..5 {
///             if tx.send(p * 10 + i).await.is_err() {
///                 return;
///             }
///         }
///     }
/// });
/// let done = producer_consumer::completion::run_to_completion(10, producers, 3, |_item| async {
///     tokio::time::sleep(Duration::from_millis(200)).await;
/// })
/// .await?;
/// assert_eq!(done.total(), 10);
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future aborts every producer and consumer; items queued or in hand are
/// lost.
pub async fn run_to_completion<T, P, PF, C, CF>(
    capacity: usize,
    producers: impl IntoIterator<Item = P>,
    consumers: usize,
    consume: C,
) -> Result<Completed, CompletionError>
where
    T: Send + 'static,
    P: FnOnce(Sender<T>) -> PF,
    PF: Future<Output = ()> + Send + 'static,
    C: Fn(T) -> CF + Clone + Send + 'static,
    CF: Future<Output = ()> + Send + 'static,
{
    if consumers == 0 {
        return Err(CompletionError::NoConsumers);
    }
    let (tx, rx) =
        bounded_queue::channel::<T>(capacity).map_err(|_| CompletionError::ZeroCapacity)?;
    let mut tasks = JoinSet::new();
    let mut roles = HashMap::new();
    for (index, producer) in producers.into_iter().enumerate() {
        let work = producer(tx.clone());
        let handle = tasks.spawn(async move {
            work.await;
            None
        });
        roles.insert(handle.id(), Role::Producer(index));
    }
    // Only the producers hold senders now, so the queue ends when the last of them returns.
    drop(tx);
    for index in 0..consumers {
        let handle = tasks.spawn(consume_all(index, rx.clone(), consume.clone()));
        roles.insert(handle.id(), Role::Consumer(index));
    }
    drop(rx);
    let mut per_consumer = vec![0; consumers];
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Some((index, count))) => per_consumer[index] = count,
            Ok(None) => {}
            // Returning drops `tasks`, which aborts every task still running.
            Err(source) => {
                return Err(match roles[&source.id()] {
                    Role::Producer(index) => CompletionError::ProducerFailed { index, source },
                    Role::Consumer(index) => CompletionError::ConsumerFailed { index, source },
                });
            }
        }
    }
    Ok(Completed { per_consumer })
}

/// One consumer: process items until the queue ends, then report how many.
async fn consume_all<T, C, CF>(index: usize, rx: Receiver<T>, consume: C) -> Option<(usize, usize)>
where
    C: Fn(T) -> CF,
    CF: Future<Output = ()>,
{
    let mut count = 0;
    while let Some(item) = rx.recv().await {
        consume(item).await;
        count += 1;
    }
    Some((index, count))
}
// ANCHOR_END: run_to_completion
