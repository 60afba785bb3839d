//! Implementing `Stream` by hand: the `__aiter__` / `__anext__` protocol, written as `poll_next`.
//!
//! # Python
//! ```python
//! class Paced:
//!     def __init__(self, items, gap):
//!         self.items, self.gap = iter(items), gap
//!     def __aiter__(self):
//!         return self
//!     async def __anext__(self):
//!         item = next(self.items, None)          # (a sentinel, for brevity)
//!         if item is None:
//!             raise StopAsyncIteration
//!         await asyncio.sleep(self.gap)
//!         return item
//! ```
//!
//! # Rust
//! [`Paced`] yields the items of an iterator, one every `gap`, by implementing
//! [`Stream::poll_next`] on a struct that owns a pinned [`Sleep`]. `poll_next` may not wait: it
//! returns `Poll::Pending` after registering the waker (here the timer does that for us), or
//! `Poll::Ready(Some(item))`, or `Poll::Ready(None)` at the end.
//!
//! # Why it is rarely needed
//! [`numbers`](crate::numbers) is the same source in six lines of `stream!`. Write `poll_next` by
//! hand only when you need what a generator cannot give:
//! - a named, `Unpin`-able type to store in a struct field without `Box<dyn Stream>`;
//! - an adapter over another stream (as every `StreamExt` combinator is), with no allocation;
//! - an accurate [`size_hint`](Stream::size_hint) or [`FusedStream`];
//! - a hot path where the generator's hand-off slot costs too much.
//!
//! # Differences
//! - `__anext__` is a coroutine that may await; `poll_next` is a plain function that must never
//!   block and must arrange a wake-up before it returns `Pending`, or the task sleeps forever.
//! - Self-referential state (a `Sleep`, a future in progress) needs pinning: `pin-project-lite`
//!   gives safe projections to pinned fields.
//! - Laziness must be written: a `Sleep` made in the constructor would start the clock before
//!   the first poll, so [`Paced`] arms its timer on the first poll.
//!
//! # Pitfalls
//! - Returning `Poll::Pending` without having polled something that registered the waker: the
//!   stream hangs (the tests poll by hand with `tokio_test` to show it wakes).
//! - Polling again after `Ready(None)`: a plain `Stream` may panic or restart; implement
//!   [`FusedStream`] (as here) or call `.fuse()`.
//!
//! # In production
//! Prefer `stream!`, `unfold`, or `tokio_stream::wrappers`; hand-written streams are for library
//! adapters, where tokio-stream and futures are the models to copy.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use basics::config::{self, ConfigError};
use futures::Stream;
use futures::stream::FusedStream;
use tokio::time::Sleep;

// ANCHOR: paced
pin_project_lite::pin_project! {
    /// A stream yielding the items of an iterator, each after a pause of `gap`.
    ///
    /// The first item comes `gap` after the first poll, not after construction: like a
    /// generator, nothing runs until the stream is polled.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use futures::{Stream, StreamExt};
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), basics::ConfigError> {
    /// let start = tokio::time::Instant::now();
    /// let letters = streams::Paced::new(["a", "b", "c"], Duration::from_millis(100))?;
    /// assert_eq!(letters.size_hint(), (3, Some(3)));
    /// assert_eq!(letters.collect::<Vec<_>>().await, ["a", "b", "c"]);
    /// assert_eq!(start.elapsed(), Duration::from_millis(300));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// Dropping the stream loses only the items not yet yielded.
    #[must_use = "streams do nothing unless polled"]
    pub struct Paced<I: Iterator> {
        // `Fuse` so that an iterator which would restart after `None` cannot make the stream
        // yield again after it has ended.
        items: std::iter::Peekable<std::iter::Fuse<I>>,
        gap: Duration,
        // `Sleep` is `!Unpin` (the timer keeps a pointer into it), hence the pinned projection.
        // `None` until the first poll: a timer made in `new` would start the clock too early.
        #[pin]
        sleep: Option<Sleep>,
    }
}

impl<I: Iterator> Paced<I> {
    /// Paces `items`, one every `gap`. An empty iterator gives a stream that ends at once; a
    /// `gap` of 0 yields the items without waiting.
    ///
    /// # Errors
    /// [`ConfigError::TooLong`] when `gap` is past [`MAX_DURATION`](basics::config::MAX_DURATION).
    pub fn new(
        items: impl IntoIterator<IntoIter = I>,
        gap: Duration,
    ) -> Result<Paced<I>, ConfigError> {
        Ok(Paced {
            items: items.into_iter().fuse().peekable(),
            gap: config::duration_or_zero("gap", gap)?,
            sleep: None,
        })
    }
}

impl<I: Iterator> std::fmt::Debug for Paced<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paced")
            .field("gap", &self.gap)
            .field("remaining", &self.items.size_hint())
            .finish_non_exhaustive()
    }
}

impl<I: Iterator> Stream for Paced<I> {
    type Item = I::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<I::Item>> {
        let mut this = self.project();
        // Nothing left: end at once rather than sleeping first.
        if this.items.peek().is_none() {
            return Poll::Ready(None);
        }
        // Arm the timer for this item on the first poll that wants it.
        if this.sleep.is_none() {
            this.sleep.set(Some(tokio::time::sleep(*this.gap)));
        }
        if let Some(sleep) = this.sleep.as_mut().as_pin_mut() {
            // Polling the `Sleep` registers our waker with the timer; `ready!` returns `Pending`
            // until it fires, so the task is woken exactly when the item is due.
            ready!(sleep.poll(cx));
        }
        this.sleep.set(None);
        Poll::Ready(this.items.next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

impl<I: Iterator> FusedStream for Paced<I> {
    fn is_terminated(&self) -> bool {
        // `peek` needs `&mut`, but the hint is exact here: once the fused iterator is exhausted
        // (at the latest when `poll_next` has returned `None`) it reports (0, Some(0)).
        self.items.size_hint() == (0, Some(0))
    }
}
// ANCHOR_END: paced
