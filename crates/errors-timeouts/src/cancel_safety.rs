//! Cancellation safety: what a `select!` loop loses when a branch's future is dropped, four ways,
//! each as a lossy version and a lossless one.
//!
//! `select!` polls several futures and, when one completes, **drops the others**. A future is
//! *cancel-safe* when dropping it before it completes loses nothing: calling it again later gives
//! the same result. `mpsc::Receiver::recv` is; `mpsc::Sender::send` is not (the message it holds
//! is dropped with it). The lab:
//!
//! | lossy | lossless | what the lossy one loses |
//! |---|---|---|
//! | [`relay_with_send`] | [`relay_with_reserve`] | the message inside a dropped `send` |
//! | [`fetch_recreated`] | [`fetch_pinned`] | the progress of an operation restarted each turn |
//! | [`frames_with_read_exact`] | [`frames_with_read_buf`] | bytes a dropped `read_exact` had read |
//! | [`acquire_recreated`] | [`acquire_pinned`] | the place in the semaphore's fair queue |
//!
//! ```
//! use std::time::Duration;
//! use errors_timeouts::cancel_safety::{fetch_pinned, fetch_recreated};
//! use tokio::sync::mpsc;
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! // Messages every 0.3 s while a 1 s fetch runs.
//! let messages = || {
//!     let (tx, rx) = mpsc::channel(1);
//!     tokio::spawn(async move {
//!         for n in 0..5 {
//!             tokio::time::sleep(Duration::from_millis(300)).await;
//!             let _ = tx.send(n).await;
//!         }
//!     });
//!     rx
//! };
//! let fetch = || tokio::time::sleep(Duration::from_secs(1));
//! assert_eq!(fetch_recreated(fetch, messages()).await.starts, 7); // restarted each turn
//! assert_eq!(fetch_pinned(fetch, messages()).await.starts, 1);
//! # }
//! ```
//!
//! The lesson: `docs/errors-timeouts.md`, section *Cancellation safety*.
//!
//! # See also
//! [`crate::cancellation`].

use std::future::Future;
use std::time::Duration;

use basics::config::{self, ConfigError};
use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::{AcquireError, Semaphore, SemaphorePermit, mpsc};
use tokio::time::{Instant, Interval, MissedTickBehavior, interval_at};

/// What a relay did: how many items it forwarded and how many heartbeats it sent meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relay {
    /// Items handed to the output channel.
    pub forwarded: usize,
    /// Heartbeat ticks handled.
    pub heartbeats: usize,
}

/// The heartbeat period every loop of this lab beats while it waits: checked once, here, so
/// the loops cannot fail on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heartbeat {
    period: Duration,
}

impl Heartbeat {
    /// A heartbeat every `period`.
    ///
    /// # Errors
    /// [`ConfigError::Zero`] for a zero period (tokio's `interval` panics on one),
    /// [`ConfigError::TooLong`] past [`config::MAX_DURATION`].
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use basics::ConfigError;
    /// use errors_timeouts::cancel_safety::Heartbeat;
    ///
    /// assert!(Heartbeat::new(Duration::from_millis(100)).is_ok());
    /// assert_eq!(Heartbeat::new(Duration::ZERO), Err(ConfigError::Zero { name: "period" }));
    /// ```
    pub fn new(period: Duration) -> Result<Heartbeat, ConfigError> {
        let period = config::duration("period", period)?;
        Ok(Heartbeat { period })
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }

    // A tick every `period`, the first one a period from now (not at once), and no burst of
    // catch-up ticks after a long wait. `period` is checked: not zero, and small enough that
    // `now + period` cannot overflow.
    fn ticker(self) -> Interval {
        let mut ticker = interval_at(Instant::now() + self.period, self.period);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        ticker
    }
}

// ANCHOR: relay_with_send
/// LOSSY: forwards `input` to `output` and beats a heartbeat while the output is full, with
/// `send` in the `select!`. A heartbeat that wins drops the `send` future, and the item in it.
///
/// # Cancel safety
/// Not cancel-safe, in two ways: dropping it loses the item being sent, and so does every
/// heartbeat that wins the race (the point of this function).
pub async fn relay_with_send(
    mut input: mpsc::Receiver<u32>,
    output: mpsc::Sender<u32>,
    heartbeat: Heartbeat,
) -> Relay {
    let mut ticker = heartbeat.ticker();
    let mut relay = Relay {
        forwarded: 0,
        heartbeats: 0,
    };
    while let Some(item) = input.recv().await {
        tokio::select! {
            sent = output.send(item) => {
                if sent.is_err() {
                    break; // The receiver is gone.
                }
                relay.forwarded += 1;
            }
            // BUG (on purpose): `item` was moved into the dropped `send` future: it is lost.
            _ = ticker.tick() => relay.heartbeats += 1,
        }
    }
    relay
}
// ANCHOR_END: relay_with_send

// ANCHOR: relay_with_reserve
/// LOSSLESS: the same relay with `reserve` in the `select!`: the item stays in our hands until a
/// slot is reserved, and `Permit::send` cannot fail or wait.
///
/// # Cancel safety
/// Dropping it loses at most the one item taken from `input` and not yet sent.
pub async fn relay_with_reserve(
    mut input: mpsc::Receiver<u32>,
    output: mpsc::Sender<u32>,
    heartbeat: Heartbeat,
) -> Relay {
    let mut ticker = heartbeat.ticker();
    let mut relay = Relay {
        forwarded: 0,
        heartbeats: 0,
    };
    while let Some(item) = input.recv().await {
        loop {
            tokio::select! {
                permit = output.reserve() => {
                    let Ok(permit) = permit else { return relay };
                    permit.send(item);
                    relay.forwarded += 1;
                    break;
                }
                // Dropping `reserve` loses only its place in the queue; `item` is still here.
                _ = ticker.tick() => relay.heartbeats += 1,
            }
        }
    }
    relay
}
// ANCHOR_END: relay_with_reserve

// ANCHOR: relay_scenario
/// The relay scenario of the example and the tests: items 1 to 6, queued before the relay
/// starts, go through `relay` to an output channel that holds one item and is read every
/// 250 ms, with the relay's heartbeat beating meanwhile. Returns what the relay did and what
/// the reader received, in order.
///
/// # Cancel safety
/// Dropping it drops the relay and the reader: items not yet received are lost.
pub async fn relay_six_to_a_slow_reader<F, Fut>(relay: F) -> (Relay, Vec<u32>)
where
    F: FnOnce(mpsc::Receiver<u32>, mpsc::Sender<u32>) -> Fut,
    Fut: Future<Output = Relay>,
{
    let (input_tx, input_rx) = mpsc::channel(8);
    let (output_tx, mut output_rx) = mpsc::channel(1);
    for item in 1..=6 {
        // Never fails or waits: the receiver is in hand and there is room for all six.
        let _ = input_tx.try_send(item);
    }
    drop(input_tx);
    let reader = async {
        let mut received = Vec::new();
        while let Some(item) = output_rx.recv().await {
            received.push(item);
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        received
    };
    tokio::join!(relay(input_rx, output_tx), reader)
}
// ANCHOR_END: relay_scenario

/// What a fetch raced against messages did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched<T> {
    /// The fetch's output.
    pub value: T,
    /// How many times the fetch was started.
    pub starts: usize,
    /// How many messages were handled meanwhile.
    pub messages: usize,
}

// ANCHOR: fetch_recreated
/// LOSSY: handles `messages` while a fetch runs, calling `fetch()` inside the `select!`. Each
/// message drops the fetch and the next turn starts a new one: with messages more frequent than
/// the fetch is long, it only finishes after the messages stop.
///
/// # Cancel safety
/// Dropping it drops the fetch in flight and the messages not yet received stay in the channel.
pub async fn fetch_recreated<F, Fut>(
    mut fetch: F,
    mut messages: mpsc::Receiver<u32>,
) -> Fetched<Fut::Output>
where
    F: FnMut() -> Fut,
    Fut: Future,
{
    let (mut starts, mut handled) = (0, 0);
    loop {
        starts += 1;
        tokio::select! {
            // BUG (on purpose): a new fetch each turn; the dropped one's progress is lost.
            value = fetch() => return Fetched { value, starts, messages: handled },
            message = messages.recv() => match message {
                Some(_) => handled += 1,
                None => break,
            },
        }
    }
    starts += 1;
    Fetched {
        value: fetch().await,
        starts,
        messages: handled,
    }
}
// ANCHOR_END: fetch_recreated

// ANCHOR: fetch_pinned
/// LOSSLESS: the same loop with the fetch created once, pinned outside the loop and polled by
/// `&mut`, so each turn resumes it instead of restarting it.
///
/// # Cancel safety
/// Dropping it drops the fetch in flight; messages not yet received stay in the channel.
pub async fn fetch_pinned<F, Fut>(
    fetch: F,
    mut messages: mpsc::Receiver<u32>,
) -> Fetched<Fut::Output>
where
    F: FnOnce() -> Fut,
    Fut: Future,
{
    let mut handled = 0;
    let fetch = fetch();
    tokio::pin!(fetch);
    let mut open = true;
    loop {
        tokio::select! {
            value = &mut fetch => return Fetched { value, starts: 1, messages: handled },
            message = messages.recv(), if open => match message {
                Some(_) => handled += 1,
                None => open = false,
            },
        }
    }
}
// ANCHOR_END: fetch_pinned

/// Frames read from a byte stream, each a big-endian `u32`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frames {
    /// The decoded frames, in order.
    pub frames: Vec<u32>,
    /// Heartbeat ticks handled while reading.
    pub heartbeats: usize,
}

// ANCHOR: frames_with_read_exact
/// LOSSY: reads 4-byte frames with `read_exact` inside a `select!` with a heartbeat. A heartbeat
/// that wins while a frame is half read drops the bytes already read: the stream is misaligned
/// from then on and later frames decode as garbage.
///
/// # Errors
/// An I/O error from `reader`; end of stream ends the loop.
///
/// # Cancel safety
/// Not cancel-safe: dropping it loses any half-read frame (and every heartbeat does the same).
pub async fn frames_with_read_exact<R: AsyncRead + Unpin>(
    mut reader: R,
    heartbeat: Heartbeat,
) -> std::io::Result<Frames> {
    let mut ticker = heartbeat.ticker();
    let mut out = Frames {
        frames: Vec::new(),
        heartbeats: 0,
    };
    loop {
        let mut frame = [0u8; 4];
        tokio::select! {
            read = reader.read_exact(&mut frame) => match read {
                Ok(_) => out.frames.push(u32::from_be_bytes(frame)),
                Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(out),
                Err(error) => return Err(error),
            },
            // BUG (on purpose): the bytes `read_exact` had put in `frame` are dropped here.
            _ = ticker.tick() => out.heartbeats += 1,
        }
    }
}
// ANCHOR_END: frames_with_read_exact

// ANCHOR: frames_with_read_buf
/// LOSSLESS: buffered framing. `read_buf` appends whatever bytes are ready to a buffer that lives
/// outside the loop (it is cancel-safe: a dropped `read_buf` has read nothing), and whole frames
/// are cut from the buffer.
///
/// # Errors
/// An I/O error from `reader`; end of stream ends the loop (a trailing partial frame is
/// dropped).
///
/// # Cancel safety
/// Dropping it loses the bytes buffered and not yet decoded.
pub async fn frames_with_read_buf<R: AsyncRead + Unpin>(
    mut reader: R,
    heartbeat: Heartbeat,
) -> std::io::Result<Frames> {
    let mut ticker = heartbeat.ticker();
    let mut out = Frames {
        frames: Vec::new(),
        heartbeats: 0,
    };
    let mut buffer = BytesMut::with_capacity(64);
    loop {
        tokio::select! {
            read = reader.read_buf(&mut buffer) => {
                if read? == 0 {
                    return Ok(out);
                }
                while buffer.len() >= 4 {
                    out.frames.push(buffer.get_u32());
                }
            }
            _ = ticker.tick() => out.heartbeats += 1,
        }
    }
}
// ANCHOR_END: frames_with_read_buf

// ANCHOR: acquire_recreated
/// LOSSY: waits for a permit while beating a heartbeat, calling `acquire()` inside the
/// `select!`. Each heartbeat drops the waiter, which leaves the semaphore's fair queue; the next
/// turn joins at the back, behind anyone who arrived meanwhile. (`Mutex::lock` queues the same
/// way.) Returns the permit and the heartbeats.
///
/// # Errors
/// [`AcquireError`] when the semaphore is closed.
///
/// # Cancel safety
/// Dropping it loses the place in the queue, nothing else.
pub async fn acquire_recreated(
    semaphore: &Semaphore,
    heartbeat: Heartbeat,
) -> Result<(SemaphorePermit<'_>, usize), AcquireError> {
    let mut ticker = heartbeat.ticker();
    let mut heartbeats = 0;
    loop {
        tokio::select! {
            // BUG (on purpose): a new waiter each turn, at the back of the queue.
            permit = semaphore.acquire() => {
                return Ok((permit?, heartbeats));
            }
            _ = ticker.tick() => heartbeats += 1,
        }
    }
}
// ANCHOR_END: acquire_recreated

// ANCHOR: acquire_pinned
/// LOSSLESS: the same wait with one `acquire()` pinned outside the loop: it keeps its place in
/// the queue across heartbeats.
///
/// # Errors
/// [`AcquireError`] when the semaphore is closed.
///
/// # Cancel safety
/// Dropping it loses the place in the queue, nothing else.
pub async fn acquire_pinned(
    semaphore: &Semaphore,
    heartbeat: Heartbeat,
) -> Result<(SemaphorePermit<'_>, usize), AcquireError> {
    let mut ticker = heartbeat.ticker();
    let mut heartbeats = 0;
    let acquire = semaphore.acquire();
    tokio::pin!(acquire);
    loop {
        tokio::select! {
            permit = &mut acquire => {
                return Ok((permit?, heartbeats));
            }
            _ = ticker.tick() => heartbeats += 1,
        }
    }
}
// ANCHOR_END: acquire_pinned
