//! Completion: every item processed, then every task gone, with no sentinels and nothing left
//! running.
//!
//! The channel does the counting: each producer owns a clone of the [`Sender`], and the queue
//! ends when the last clone drops. Consumers loop on `recv` until `None`, after draining what
//! was queued, and return. [`run_to_completion`] checks its configuration at once (a
//! [`ConfigError`]), then gives back the run as a future that wires this up on a
//! [`IndexedJoinSet`] owning every task, and finishes when the last consumer has returned (a
//! [`CompletionReport`], or a [`CompletionError`] naming the task that panicked).
//!
//! The lesson: `docs/producer-consumer.md`, section *Completion*.
//!
//! # See also
//! [`bounded_queue`], [`joinable_queue`](crate::joinable_queue).

use std::future::Future;

use basics::config::{self, ConfigError};
use basics::task::{IndexedJoinSet, TaskFailed};

use crate::bounded_queue::{self, Receiver, Sender};

/// Why a run of [`run_to_completion`] did not finish: a task panicked (or its runtime shut
/// down), and every other task was aborted.
#[derive(Debug, thiserror::Error)]
pub enum CompletionError {
    /// A producer gave no output. The [`TaskFailed`]'s index is the producer's position in the
    /// input.
    #[error("a producer did not finish")]
    Producer(#[source] TaskFailed),
    /// A consumer gave no output. The [`TaskFailed`]'s index is the consumer's number, from 0.
    #[error("a consumer did not finish")]
    Consumer(#[source] TaskFailed),
}

/// What a run of [`run_to_completion`] saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionReport {
    /// How many items each consumer processed, by consumer number.
    pub per_consumer: Vec<usize>,
}

impl CompletionReport {
    /// The number of items processed by all consumers together.
    pub fn total(&self) -> usize {
        self.per_consumer.iter().sum()
    }
}

// ANCHOR: run_to_completion
/// Checks the configuration, then returns the run: `producers` and `consumers` copies of
/// `consume` over one queue of `capacity` items. Awaited, the run finishes once every item is
/// processed and every task has returned.
///
/// Each producer is a closure given its own [`Sender`] (called now; its future runs when the
/// run is awaited); when it returns, its sender drops. When the last one has dropped, consumers
/// drain what is queued, see the end and return. No producers at all is an empty run. The
/// queue's slots are allocated now, as [`bounded_queue::channel`] does.
///
/// # Errors
/// At once: [`ConfigError::Zero`] or [`ConfigError::TooLarge`] for `capacity` or `consumers`
/// (no consumers would leave the producers waiting forever on a full queue), before anything
/// runs. From the run: [`CompletionError`] when a task panicked (every other task is aborted).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let producers = (0..2).map(|p| {
///     move |tx: producer_consumer::Sender<u32>| async move {
///         for i in 0..5 {
///             if tx.send(p * 10 + i).await.is_err() {
///                 return;
///             }
///         }
///     }
/// });
/// let run = producer_consumer::completion::run_to_completion(10, producers, 3, |_item| async {
///     tokio::time::sleep(Duration::from_millis(200)).await;
/// })?; // bad configuration is refused here
/// let done = run.await?; // a panicking task is reported here
/// assert_eq!(done.total(), 10);
/// # Ok(())
/// # }
/// ```
///
/// # Panics
/// The run panics when it is awaited outside a tokio runtime (it spawns the tasks).
///
/// # Cancel safety
/// Dropping the run aborts every producer and consumer; items queued or in hand are lost.
pub fn run_to_completion<T, P, PF, C, CF>(
    capacity: usize,
    producers: impl IntoIterator<Item = P>,
    consumers: usize,
    consume: C,
) -> Result<impl Future<Output = Result<CompletionReport, CompletionError>> + Send, ConfigError>
where
    T: Send + 'static,
    P: FnOnce(Sender<T>) -> PF,
    PF: Future<Output = ()> + Send + 'static,
    C: Fn(T) -> CF + Clone + Send + 'static,
    CF: Future<Output = ()> + Send + 'static,
{
    let consumers = config::count("consumers", consumers)?;
    let (tx, rx) = bounded_queue::channel::<T>(capacity)?;
    let producers: Vec<PF> = producers.into_iter().map(|p| p(tx.clone())).collect();
    // Only the producers hold senders now, so the queue ends when the last of them returns.
    drop(tx);
    Ok(async move {
        // Producers are tasks 0..P of the set, consumers P..P + consumers.
        let first_consumer = producers.len();
        let mut tasks = IndexedJoinSet::new();
        for work in producers {
            tasks.spawn(async move {
                work.await;
                0
            });
        }
        for _ in 0..consumers {
            tasks.spawn(consume_all(rx.clone(), consume.clone()));
        }
        drop(rx);
        let mut per_consumer = vec![0; consumers];
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((index, count)) => {
                    if let Some(consumer) = index.checked_sub(first_consumer) {
                        per_consumer[consumer] = count;
                    }
                }
                // Returning drops `tasks`, which aborts every task still running.
                Err(failed) => {
                    return Err(match failed.index().checked_sub(first_consumer) {
                        Some(consumer) => CompletionError::Consumer(renumber(failed, consumer)),
                        None => CompletionError::Producer(failed),
                    });
                }
            }
        }
        Ok(CompletionReport { per_consumer })
    })
}

/// One consumer: process items until the queue ends, then report how many.
async fn consume_all<T, C, CF>(rx: Receiver<T>, consume: C) -> usize
where
    C: Fn(T) -> CF,
    CF: Future<Output = ()>,
{
    let mut count = 0;
    while let Some(item) = rx.recv().await {
        consume(item).await;
        count += 1;
    }
    count
}
// ANCHOR_END: run_to_completion

/// The same failure, numbered among the consumers rather than among all the tasks.
fn renumber(failed: TaskFailed, index: usize) -> TaskFailed {
    match failed {
        TaskFailed::Panicked { payload, .. } => TaskFailed::Panicked { index, payload },
        TaskFailed::Cancelled { .. } => TaskFailed::Cancelled { index },
    }
}
