//! Sync to async bridge: a `std::thread` (a blocking reader, a C library's callback thread)
//! feeds async consumers through a bounded queue, and is held back when they fall behind.
//!
//! The queue's two ends work on both sides of the boundary: the thread calls
//! [`Sender::send_blocking`], which parks the thread (not a runtime worker) while the queue is
//! full; async consumers `recv().await` as usual. [`spawn_feeder`] starts the thread with its own
//! sender and returns the consumers' [`Receiver`] and a [`Feeder`] whose
//! [`join`](Feeder::join) awaits the thread without blocking the runtime. The other direction
//! (async producers, a thread consuming) is [`Receiver::recv_blocking`]; with tokio's `mpsc`
//! the same pair is `blocking_send` / `blocking_recv`.
//!
//! The lesson: `docs/producer-consumer.md`, section *Sync to async bridge*.
//!
//! # See also
//! The `basics` crate's blocking work pattern for `spawn_blocking`.

use std::fmt;
use std::thread;

use basics::config::ConfigError;
use basics::task::{PanicPayload, TaskFailed};

use crate::bounded_queue::{self, Receiver, Sender};

/// Why [`spawn_feeder`] could not start the feeder.
#[derive(Debug, thiserror::Error)]
pub enum FeederSpawnError {
    /// The capacity was refused.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The operating system refused the thread.
    #[error("could not start the feeder thread")]
    Thread(#[source] std::io::Error),
}

/// The feeder thread started by [`spawn_feeder`].
///
/// Dropping it detaches the thread, which still stops by itself: its next send fails once every
/// [`Receiver`] is gone.
#[must_use = "dropping the feeder loses its result and any panic"]
pub struct Feeder<R> {
    thread: thread::JoinHandle<R>,
}

// ANCHOR: spawn_feeder
/// Starts a `std::thread` running `produce` with the sending end of a queue of `capacity`, and
/// returns the receiving end for async consumers.
///
/// The queue allocates its `capacity` slots now, as [`bounded_queue::channel`] does.
///
/// # Errors
/// [`FeederSpawnError::Config`] when `capacity` is 0 or past
/// [`MAX_CAPACITY`](basics::config::MAX_CAPACITY), [`FeederSpawnError::Thread`] when no thread
/// can be started.
///
/// # Examples
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let (feeder, rx) = producer_consumer::sync_bridge::spawn_feeder(2, |tx| {
///     let mut sent = 0;
///     for n in 1..=5 {
///         // Blocks this thread, never a runtime worker, while the queue is full.
///         if tx.send_blocking(n).is_err() {
///             break;
///         }
///         sent += 1;
///     }
///     sent
/// })?;
/// let mut sum = 0;
/// while let Some(n) = rx.recv().await {
///     sum += n;
/// }
/// assert_eq!(sum, 15);
/// assert_eq!(feeder.join().await?, 5);
/// # Ok(())
/// # }
/// ```
pub fn spawn_feeder<T, R, F>(
    capacity: usize,
    produce: F,
) -> Result<(Feeder<R>, Receiver<T>), FeederSpawnError>
where
    T: Send + 'static,
    R: Send + 'static,
    F: FnOnce(Sender<T>) -> R + Send + 'static,
{
    let (tx, rx) = bounded_queue::channel(capacity)?;
    let thread = thread::Builder::new()
        .name("feeder".into())
        // `tx` moves into the thread: when `produce` returns, it drops and the queue ends.
        .spawn(move || produce(tx))
        .map_err(FeederSpawnError::Thread)?;
    Ok((Feeder { thread }, rx))
}
// ANCHOR_END: spawn_feeder

impl<R: Send + 'static> Feeder<R> {
    /// Waits for the thread to return, on tokio's blocking pool so the runtime keeps running.
    ///
    /// # Errors
    /// [`TaskFailed::Panicked`] with index 0 and the panic's payload when the thread panicked;
    /// [`TaskFailed::Cancelled`] with index 0 when the runtime shut down while waiting (the
    /// thread itself runs on and stops by itself).
    ///
    /// # Panics
    /// When called outside a tokio runtime.
    ///
    /// # Cancel safety
    /// Dropping the future stops waiting; the thread runs on and stops by itself.
    pub async fn join(self) -> Result<R, TaskFailed> {
        let thread = self.thread;
        match tokio::task::spawn_blocking(move || thread.join()).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(payload)) => Err(TaskFailed::Panicked {
                index: 0,
                payload: PanicPayload::new(payload),
            }),
            // The closure only joins the thread and cannot panic itself: this is the wait being
            // cancelled, by the runtime shutting down.
            Err(error) => Err(TaskFailed::from_join_error(0, error)),
        }
    }

    /// Whether the thread has returned.
    pub fn is_finished(&self) -> bool {
        self.thread.is_finished()
    }
}

impl<R> fmt::Debug for Feeder<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Feeder")
            .field("finished", &self.thread.is_finished())
            .finish()
    }
}
