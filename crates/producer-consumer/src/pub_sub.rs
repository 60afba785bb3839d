//! Publish and subscribe: one publisher, many subscribers, each subscriber seeing every message;
//! a subscriber that falls behind loses the oldest messages and is told how many it missed.
//!
//! [`channel`] returns a [`Publisher`] and a first [`Subscriber`], as every `channel` of this
//! crate returns its two ends; [`Publisher::subscribe`] makes more.
//! `tokio::sync::broadcast` keeps one ring of the last `capacity` messages for every subscriber
//! (tokio rounds the capacity up to a power of two: `channel(3)` keeps 4).
//! [`Publisher::publish`] never waits: a slow subscriber does not slow the others. When a
//! subscriber falls more than `capacity` messages behind, its oldest messages are overwritten and
//! its next [`Subscriber::recv`] returns [`Delivery::Missed`] with how many, then carries on from
//! the oldest message still held.
//!
//! The lesson: `docs/producer-consumer.md`, section *Publish and subscribe*.
//!
//! # See also
//! `tokio::sync::watch` when subscribers need only the latest value.

use std::fmt;

#[cfg(doc)]
use basics::config::MAX_CAPACITY;
use basics::config::{self, ConfigError};
use tokio::sync::broadcast;

/// What a [`Subscriber`] receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery<T> {
    /// The next message.
    Message(T),
    /// This many messages were overwritten before this subscriber read them.
    Missed(u64),
}

/// Creates a publisher and its first subscriber; each subscriber keeps up to `capacity` unread
/// messages, rounded up to a power of two as tokio's `broadcast` does (`channel(3)` keeps 4,
/// `channel(5)` keeps 8). The ring of slots is allocated now: each slot is an `Option<T>` and two
/// counters behind a mutex, at least 24 bytes beside the message.
///
/// # Errors
/// [`ConfigError::Zero`] when `capacity` is 0, [`ConfigError::TooLarge`] past [`MAX_CAPACITY`]
/// (2^20).
///
/// # Examples
/// ```
/// use producer_consumer::pub_sub::{self, Delivery};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let (publisher, mut slow) = pub_sub::channel(2)?;
/// for n in 1..=5 {
///     publisher.publish(n);
/// }
/// drop(publisher);
/// assert_eq!(slow.recv().await, Some(Delivery::Missed(3)));
/// assert_eq!(slow.recv().await, Some(Delivery::Message(4)));
/// assert_eq!(slow.recv().await, Some(Delivery::Message(5)));
/// assert_eq!(slow.recv().await, None);
/// # Ok(())
/// # }
/// ```
pub fn channel<T: Clone>(capacity: usize) -> Result<(Publisher<T>, Subscriber<T>), ConfigError> {
    let capacity = config::count("capacity", capacity)?;
    let (tx, rx) = broadcast::channel(capacity);
    Ok((Publisher { tx }, Subscriber { rx }))
}

/// The publishing end; clones publish to the same subscribers.
#[derive(Clone)]
pub struct Publisher<T> {
    tx: broadcast::Sender<T>,
}

impl<T: Clone> Publisher<T> {
    /// Publishes `message` to every current subscriber and returns how many there are. No
    /// subscribers is not an error: the message is simply not kept.
    pub fn publish(&self, message: T) -> usize {
        self.tx.send(message).unwrap_or(0)
    }

    /// A new subscriber that sees messages published from now on.
    pub fn subscribe(&self) -> Subscriber<T> {
        Subscriber {
            rx: self.tx.subscribe(),
        }
    }

    /// The number of subscribers.
    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }
}

impl<T> fmt::Debug for Publisher<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Publisher")
            .field("subscribers", &self.tx.receiver_count())
            .finish()
    }
}

/// The receiving end of one subscriber.
pub struct Subscriber<T> {
    rx: broadcast::Receiver<T>,
}

impl<T: Clone> Subscriber<T> {
    // ANCHOR: recv
    /// The next delivery: a message, or how many messages this subscriber missed by lagging.
    /// `None` once every [`Publisher`] is gone and the remaining messages are read.
    ///
    /// # Cancel safety
    /// Cancel safe: a message is taken only when the future completes.
    pub async fn recv(&mut self) -> Option<Delivery<T>> {
        match self.rx.recv().await {
            Ok(message) => Some(Delivery::Message(message)),
            // Lagging is not the end: the receiver has skipped to the oldest message kept.
            Err(broadcast::error::RecvError::Lagged(missed)) => Some(Delivery::Missed(missed)),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
    // ANCHOR_END: recv
}

impl<T> fmt::Debug for Subscriber<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscriber")
            .field("unread", &self.rx.len())
            .finish()
    }
}
