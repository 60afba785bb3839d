//! Lagged treated as fatal: `while let Ok(m) = rx.recv().await` on a `broadcast` receiver ends
//! the loop at the first `RecvError::Lagged`, the error a slow subscriber gets when the
//! publisher overwrote messages it had not read yet. The subscriber stops for good, without a
//! word, while the publisher goes on.
//!
//! The fix matches the error: `Lagged(n)` means "n messages skipped, the next `recv` goes on
//! from the oldest one kept": count it (or resynchronise) and continue; only `Closed` ends the
//! loop. No lint sees it; a test with a slow subscriber does.
//!
//! The lesson: `docs/pitfalls.md`, section *Lagged treated as fatal*.

use std::time::Duration;

use basics::config::{self, ConfigError};
use tokio::sync::broadcast::{self, error::RecvError};

// ANCHOR: wrong
/// WRONG: any error ends the loop, `Lagged` included. Returns the messages it got.
///
/// # Cancel safety
/// Dropping the future loses the messages it collected.
pub async fn subscribe_until_error(
    mut rx: broadcast::Receiver<u32>,
    per_message: Duration,
) -> Vec<u32> {
    let mut received = Vec::new();
    while let Ok(message) = rx.recv().await {
        received.push(message);
        tokio::time::sleep(per_message).await; // a slow subscriber
    }
    received
}
// ANCHOR_END: wrong

/// What a subscriber got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    /// The messages, in order.
    pub messages: Vec<u32>,
    /// How many it skipped because it lagged.
    pub skipped: u64,
}

// ANCHOR: right
/// RIGHT: `Lagged(n)` is counted and the loop goes on; only `Closed` (every sender dropped and
/// every message read) ends it.
///
/// # Cancel safety
/// Dropping the future loses the messages it collected.
pub async fn subscribe(mut rx: broadcast::Receiver<u32>, per_message: Duration) -> Received {
    let mut received = Received::default();
    loop {
        match rx.recv().await {
            Ok(message) => {
                received.messages.push(message);
                tokio::time::sleep(per_message).await; // a slow subscriber
            }
            Err(RecvError::Lagged(skipped)) => received.skipped += skipped,
            Err(RecvError::Closed) => return received,
        }
    }
}
// ANCHOR_END: right

/// Publishes `1..=count` on `tx`, one every `every`, then drops `tx` (closing the channel once
/// the subscribers have read what is left). Returns how many messages had a subscriber to send
/// to.
///
/// # Errors
/// [`ConfigError`] when `every` is longer than [`config::MAX_DURATION`].
///
/// # Cancel safety
/// Dropping the future stops publishing and closes the channel.
pub async fn publish(
    tx: broadcast::Sender<u32>,
    count: u32,
    every: Duration,
) -> Result<u32, ConfigError> {
    let every = config::duration_or_zero("every", every)?;
    let mut delivered = 0;
    // On a fixed schedule, `start + k × every`: a `sleep(every)` after each send would add every
    // late wake-up to the next, and on the real clock the sixth message would come after the
    // slow subscriber's first 55 ms instead of before.
    let mut next = tokio::time::Instant::now();
    for message in 1..=count {
        if tx.send(message).is_ok() {
            delivered += 1;
        }
        next += every;
        tokio::time::sleep_until(next).await;
    }
    Ok(delivered)
}
