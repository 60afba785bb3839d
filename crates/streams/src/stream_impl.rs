//! Implementing `Stream` by hand: the `__aiter__` / `__anext__` protocol, written as `poll_next`.
//!
//! [`Paced`] yields the items of an iterator, one every `gap`, by implementing
//! [`Stream::poll_next`] on a struct that owns a pinned [`Sleep`]. `poll_next` may not wait: it
//! returns `Poll::Pending` after registering the waker (here the timer does that), or
//! `Poll::Ready(Some(item))`, or `Poll::Ready(None)` at the end. It also implements
//! [`FusedStream`] and an exact [`size_hint`](Stream::size_hint). [`numbers`](crate::numbers) is
//! the same source written with `stream!`, which is what to reach for first.
//!
//! The lesson: `docs/streams.md`, section *Implementing Stream*.

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
        // ANCHOR: stream_impl_key
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
        // ANCHOR_END: stream_impl_key
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
