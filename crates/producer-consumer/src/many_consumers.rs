//! Many consumers: N workers take items from one queue, each item going to exactly one of them.
//!
//! `tokio::sync::mpsc` is multi-producer, *single*-consumer: its `Receiver` does not implement
//! `Clone` and `recv` takes `&mut self`, so the type system stops a second consumer. Two ways to
//! have many:
//! - an MPMC channel whose receiver clones: [`bounded_queue::channel`](crate::bounded_queue::channel)
//!   (built on `async-channel`);
//! - a shared receiver: the one `mpsc::Receiver` behind a `tokio::sync::Mutex`, which is
//!   [`SharedReceiver`]. A consumer holds the lock only while it waits for the next item, never
//!   while it processes one.
//!
//! The lesson: `docs/producer-consumer.md`, section *Many consumers*.
//!
//! # See also
//! [`worker_pool`](crate::worker_pool) for workers with results.

use std::fmt;
use std::sync::Arc;

use tokio::sync::{Mutex, mpsc};

use basics::config::{self, ConfigError};

// ANCHOR: shared_receiver
/// One `tokio::sync::mpsc::Receiver` shared by many consumers. Clones share the receiver; each
/// item goes to exactly one caller of [`recv`](SharedReceiver::recv).
pub struct SharedReceiver<T> {
    inner: Arc<Mutex<mpsc::Receiver<T>>>,
}

impl<T> SharedReceiver<T> {
    /// Shares `receiver` between consumers.
    pub fn new(receiver: mpsc::Receiver<T>) -> SharedReceiver<T> {
        SharedReceiver {
            inner: Arc::new(Mutex::new(receiver)),
        }
    }

    /// Takes the next item; `None` once every sender is gone and the queue is drained.
    ///
    /// The lock is held only while waiting for an item and released before the item is returned,
    /// so consumers process items in parallel. Waiting consumers are served in the order they
    /// asked (tokio's mutex is fair).
    ///
    /// # Cancel safety
    /// Cancel safe: dropping the future while it waits for the lock or for an item loses nothing
    /// (`mpsc::Receiver::recv` is cancel safe).
    pub async fn recv(&self) -> Option<T> {
        self.inner.lock().await.recv().await
    }
}
// ANCHOR_END: shared_receiver

impl<T> Clone for SharedReceiver<T> {
    fn clone(&self) -> Self {
        SharedReceiver {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T> fmt::Debug for SharedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedReceiver").finish_non_exhaustive()
    }
}

/// A `tokio::sync::mpsc` channel of `capacity` whose receiver many consumers share. tokio's
/// `mpsc` allocates as items arrive (in blocks of 32), so a large `capacity` costs no memory up
/// front.
///
/// # Errors
/// [`ConfigError::Zero`] when `capacity` is 0 (where `mpsc::channel(0)` would panic),
/// [`ConfigError::TooLarge`] past [`MAX_CAPACITY`](basics::config::MAX_CAPACITY) (2^20; tokio
/// panics past `usize::MAX >> 3`).
///
/// # Examples
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let (tx, rx) = producer_consumer::many_consumers::shared_channel(8)?;
/// let consumers: Vec<_> = (0..3)
///     .map(|_| {
///         let rx = rx.clone();
///         tokio::spawn(async move {
///             let mut taken = 0;
///             while rx.recv().await.is_some() {
///                 taken += 1;
///             }
///             taken
///         })
///     })
///     .collect();
/// for item in 0..30 {
///     tx.send(item).await?;
/// }
/// drop(tx);
/// let mut total = 0;
/// for consumer in consumers {
///     total += consumer.await?;
/// }
/// assert_eq!(total, 30);
/// # Ok(())
/// # }
/// ```
pub fn shared_channel<T>(
    capacity: usize,
) -> Result<(mpsc::Sender<T>, SharedReceiver<T>), ConfigError> {
    let capacity = config::count("capacity", capacity)?;
    let (tx, rx) = mpsc::channel(capacity);
    Ok((tx, SharedReceiver::new(rx)))
}
