//! Bounded queue: producers wait when the queue is full, so a slow consumer slows the producers
//! down instead of letting the backlog grow (backpressure).
//!
//! [`channel`] returns a [`Sender`] and a [`Receiver`], both of which clone: any number of
//! producers and consumers share one queue of at most `capacity` items (MPMC, built on
//! `async-channel`). [`Sender::send`] waits while the queue is full. [`Receiver::recv`] returns
//! `None` once every sender is gone and the queue is empty: that is the end of the stream, so
//! there are no sentinels to count.
//!
//! With a single consumer, `tokio::sync::mpsc::channel(10)` is the tokio-native queue; its receiver
//! does not clone (see [`many_consumers`](crate::many_consumers)).
//!
//! The lesson: `docs/producer-consumer.md`, section *Bounded queue*.
//!
//! # See also
//! [`completion`](crate::completion) for the clean-exit recipe, [`joinable_queue`](crate::joinable_queue)
//! for `task_done` / `join`.

use std::fmt;

#[cfg(doc)]
use basics::config::MAX_CAPACITY;
use basics::config::{self, ConfigError};

/// The error [`Sender::send`] returns when every [`Receiver`] is gone; it gives the item back.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("queue closed")]
pub struct Closed<T>(pub T);

impl<T> fmt::Debug for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The item need not be `Debug`; what matters is that the queue was closed.
        f.write_str("Closed(..)")
    }
}

// ANCHOR: channel
/// Creates a queue of at most `capacity` items shared by any number of producers and consumers.
///
/// The queue allocates all its slots now: `capacity × (size_of::<T>() + 8)` bytes.
///
/// # Errors
/// [`ConfigError::Zero`] when `capacity` is 0, [`ConfigError::TooLarge`] past
/// [`MAX_CAPACITY`] (2^20).
///
/// # Examples
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let (tx, rx) = producer_consumer::bounded_queue::channel(2)?;
/// tx.send(1).await?;
/// tx.send(2).await?;
/// assert!(tx.try_send(3).is_err(), "full: a third item would wait");
/// drop(tx); // the last sender gone: consumers drain, then see the end
/// assert_eq!(rx.recv().await, Some(1));
/// assert_eq!(rx.recv().await, Some(2));
/// assert_eq!(rx.recv().await, None);
/// # Ok(())
/// # }
/// ```
pub fn channel<T>(capacity: usize) -> Result<(Sender<T>, Receiver<T>), ConfigError> {
    let capacity = config::count("capacity", capacity)?;
    let (tx, rx) = async_channel::bounded(capacity);
    Ok((Sender { inner: tx }, Receiver { inner: rx }))
}
// ANCHOR_END: channel

/// The producing end of a [`channel`]. Clone it for each producer; the queue ends when the last
/// clone drops.
pub struct Sender<T> {
    inner: async_channel::Sender<T>,
}

impl<T> Sender<T> {
    /// Puts `item` in the queue, waiting while the queue is full.
    ///
    /// # Errors
    /// [`Closed`] with the item when every [`Receiver`] has been dropped.
    ///
    /// # Cancel safety
    /// Cancel safe: dropping the future before it completes leaves the queue unchanged (the item
    /// is dropped with the future).
    pub async fn send(&self, item: T) -> Result<(), Closed<T>> {
        self.inner.send(item).await.map_err(|error| Closed(error.0))
    }

    /// Puts `item` in the queue if there is room now.
    ///
    /// # Errors
    /// [`TrySendError::Full`] when the queue is full, [`TrySendError::Closed`] when every
    /// receiver is gone; both give the item back.
    pub fn try_send(&self, item: T) -> Result<(), TrySendError<T>> {
        self.inner.try_send(item).map_err(|error| match error {
            async_channel::TrySendError::Full(item) => TrySendError::Full(item),
            async_channel::TrySendError::Closed(item) => TrySendError::Closed(item),
        })
    }

    /// Puts `item` in the queue from synchronous code, blocking the thread while the queue is
    /// full. For a `std::thread` feeding async consumers (see [`sync_bridge`](crate::sync_bridge)).
    ///
    /// # Errors
    /// [`Closed`] with the item when every [`Receiver`] has been dropped.
    ///
    /// # Panics
    /// Never on its own, but calling it on a runtime thread blocks that thread: every task on it
    /// stops until the queue has room.
    pub fn send_blocking(&self, item: T) -> Result<(), Closed<T>> {
        self.inner
            .send_blocking(item)
            .map_err(|error| Closed(error.0))
    }

    /// Stops the queue at once, as [`Receiver::close`] does: senders get [`Closed`] from now
    /// on, consumers still drain what is queued. Returns `false` when it was already closed.
    pub fn close(&self) -> bool {
        self.inner.close()
    }

    /// The number of items waiting in the queue.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether the queue holds no items.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender {
            inner: self.inner.clone(),
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("len", &self.inner.len())
            .field("capacity", &self.inner.capacity())
            .finish()
    }
}

/// Why [`Sender::try_send`] did not enqueue its item; each variant gives the item back.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TrySendError<T> {
    /// The queue is full.
    #[error("queue full")]
    Full(T),
    /// Every receiver is gone.
    #[error("queue closed")]
    Closed(T),
}

impl<T> fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => f.write_str("Full(..)"),
            TrySendError::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

/// The consuming end of a [`channel`]. Clone it for each consumer: every item goes to exactly
/// one of them.
pub struct Receiver<T> {
    inner: async_channel::Receiver<T>,
}

impl<T> Receiver<T> {
    /// Takes the next item, waiting while the queue is empty; `None` once every [`Sender`] is
    /// gone and the queue is drained.
    ///
    /// # Cancel safety
    /// Cancel safe: an item is taken out only when the future completes, so dropping it (in a
    /// `select!` branch that lost) loses nothing.
    pub async fn recv(&self) -> Option<T> {
        self.inner.recv().await.ok()
    }

    /// Takes the next item from synchronous code, blocking the thread while the queue is empty;
    /// `None` once every [`Sender`] is gone and the queue is drained. For a `std::thread`
    /// consuming what async producers send (see [`sync_bridge`](crate::sync_bridge)); never call
    /// it on a runtime thread.
    pub fn recv_blocking(&self) -> Option<T> {
        self.inner.recv_blocking().ok()
    }

    /// Takes the next item if there is one now.
    pub fn try_recv(&self) -> Option<T> {
        self.inner.try_recv().ok()
    }

    /// Stops the queue: senders get [`Closed`] from now on, consumers still drain what is queued.
    /// Returns `false` when it was already closed.
    pub fn close(&self) -> bool {
        self.inner.close()
    }

    /// The number of items waiting in the queue.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether the queue holds no items.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        Receiver {
            inner: self.inner.clone(),
        }
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("len", &self.inner.len())
            .field("capacity", &self.inner.capacity())
            .finish()
    }
}
