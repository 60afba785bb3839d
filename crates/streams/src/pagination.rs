//! Pagination: a paged API consumed as one stream of items.
//!
//! [`paginate`] turns a page-fetching function into a `Stream<Item = Result<T, E>>` with
//! async-stream's `try_stream!`: a failed page is yielded as the stream's last item. [`pages`] is
//! the same walk with [`futures::stream::unfold`] over the cursor, yielding whole [`Page`]s. Pages
//! are fetched lazily: the next one only when the consumer has used up the current one.
//!
//! The lesson: `docs/streams.md`, section *Pagination*.

use std::future::Future;

use futures::Stream;

/// One page of a paged API: its items and the cursor of the next page, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, C> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<C>,
}

// ANCHOR: paginate
/// Turns `fetch_page` (called with `None` for the first page, then with each page's `next`
/// cursor) into one stream of items.
///
/// # Errors
/// A failed page is yielded as one `Err` item, after which the stream ends (it yields `None`
/// from then on): items already yielded stay valid, later pages are never requested.
///
/// # Examples
/// ```
/// use futures::TryStreamExt;
/// use streams::Page;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), String> {
/// let items: Vec<u32> = streams::paginate(|cursor: Option<u32>| async move {
///     let page = cursor.unwrap_or(0);
///     let items = (page * 2..page * 2 + 2).collect();
///     Ok::<_, String>(Page { items, next: (page < 2).then_some(page + 1) })
/// })
/// .try_collect()
/// .await?;
/// assert_eq!(items, [0, 1, 2, 3, 4, 5]);
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the stream drops the page request in flight and the unread items of the current page.
#[must_use = "streams do nothing unless polled"]
pub fn paginate<T, C, E, F, Fut>(mut fetch_page: F) -> impl Stream<Item = Result<T, E>>
where
    F: FnMut(Option<C>) -> Fut,
    Fut: Future<Output = Result<Page<T, C>, E>>,
{
    async_stream::try_stream! {
        // ANCHOR: pagination_key
        let mut cursor = None;
        loop {
            // `?` yields the error as the last item and ends the stream.
            let page = fetch_page(cursor.take()).await?;
            for item in page.items {
                yield item;
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        // ANCHOR_END: pagination_key
    }
}
// ANCHOR_END: paginate

// The state of `pages`: the cursor to fetch next, or the end.
enum Cursor<C> {
    Start,
    At(C),
    Done,
}

// ANCHOR: pages
/// The same walk as [`paginate`] with [`futures::stream::unfold`] over the cursor, yielding whole
/// pages (useful when a page is the unit of work: one batch insert per page).
///
/// # Errors
/// A failed page is yielded as `Err`, and the stream ends after it.
///
/// # Examples
/// ```
/// use futures::StreamExt;
/// use streams::Page;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let sizes: Vec<usize> = streams::pages(|cursor: Option<u8>| async move {
///     let next = cursor.unwrap_or(0) + 1;
///     Ok::<_, String>(Page { items: vec![(); 5], next: (next < 3).then_some(next) })
/// })
/// .map(|page| page.map_or(0, |page| page.items.len()))
/// .collect()
/// .await;
/// assert_eq!(sizes, [5, 5, 5]);
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the stream drops the page request in flight.
#[must_use = "streams do nothing unless polled"]
pub fn pages<T, C, E, F, Fut>(fetch_page: F) -> impl Stream<Item = Result<Page<T, C>, E>>
where
    C: Clone,
    F: FnMut(Option<C>) -> Fut,
    Fut: Future<Output = Result<Page<T, C>, E>>,
{
    futures::stream::unfold(
        (Cursor::Start, fetch_page),
        |(cursor, mut fetch_page)| async move {
            let cursor = match cursor {
                Cursor::Start => None,
                Cursor::At(cursor) => Some(cursor),
                Cursor::Done => return None,
            };
            match fetch_page(cursor).await {
                Ok(page) => {
                    let next = page.next.clone().map_or(Cursor::Done, Cursor::At);
                    Some((Ok(page), (next, fetch_page)))
                }
                // Yield the error, then end: the next step sees `Done`.
                Err(error) => Some((Err(error), (Cursor::Done, fetch_page))),
            }
        },
    )
}
// ANCHOR_END: pages
