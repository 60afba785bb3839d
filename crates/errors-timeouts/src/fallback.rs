//! Fallback chain: try the primary source, then the next, in order, until one answers.
//!
//! # Python
//! ```python
//! async def get_profile(user_id):
//!     for source in (primary, cache, default):
//!         try:
//!             return await source(user_id)
//!         except Exception as error:
//!             log.warning("%s failed: %s", source.__name__, error)
//! ```
//!
//! # Rust
//! [`fallback`] awaits each source in turn and stops at the first success. Futures are lazy, so
//! building the whole chain up front calls nothing: a source's request is only sent when its turn
//! comes. Sources of different types are boxed (`FutureExt::boxed`) into one list. The answer,
//! [`Served`], says which source answered and keeps the errors of those skipped, so a fallback
//! is never silent.
//!
//! # Differences
//! - With `?` and `or_else` a two-step fallback is one expression:
//!   `primary().or_else(|_| cache()).await`; the function is the same idea for a list.
//!
//! # Pitfalls
//! - A primary that hangs blocks the chain: give each step a [`crate::timeout()`] (the example
//!   does).
//! - A default that hides an outage: log or count the skipped errors ([`Served::skipped`]).
//!
//! # See also
//! [`crate::hedged_request`] (ask two at once), [`crate::circuit_breaker`].

use std::future::Future;

/// The answer of a [`fallback`] chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served<T, E> {
    /// The label of the source that answered.
    pub source: &'static str,
    /// Its answer.
    pub value: T,
    /// The sources tried before it, with their errors, in order.
    pub skipped: Vec<(&'static str, E)>,
}

/// Why a [`fallback`] chain produced no value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FallbackError<E> {
    /// The chain had no source at all.
    #[error("the fallback chain is empty")]
    Empty,
    /// Every source failed; their errors, in order.
    #[error("all {} sources failed", .0.len())]
    AllFailed(Vec<(&'static str, E)>),
}

// ANCHOR: fallback
/// Awaits each `(label, source)` in order and returns the first success.
///
/// # Errors
/// [`FallbackError::Empty`] for an empty chain; [`FallbackError::AllFailed`] when every source
/// fails.
///
/// # Examples
/// ```
/// use errors_timeouts::fallback;
/// use futures::FutureExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let served = fallback([
///     ("primary", async { Err::<String, _>("connection refused") }.boxed()),
///     ("cache", async { Ok("cached profile".to_string()) }.boxed()),
/// ])
/// .await
/// .unwrap();
/// assert_eq!((served.source, served.value.as_str()), ("cache", "cached profile"));
/// assert_eq!(served.skipped, [("primary", "connection refused")]);
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops the source being tried; later sources are never called.
pub async fn fallback<I, F, T, E>(sources: I) -> Result<Served<T, E>, FallbackError<E>>
where
    I: IntoIterator<Item = (&'static str, F)>,
    F: Future<Output = Result<T, E>>,
{
    let mut skipped = Vec::new();
    for (source, future) in sources {
        match future.await {
            Ok(value) => {
                return Ok(Served {
                    source,
                    value,
                    skipped,
                });
            }
            Err(error) => skipped.push((source, error)),
        }
    }
    if skipped.is_empty() {
        Err(FallbackError::Empty)
    } else {
        Err(FallbackError::AllFailed(skipped))
    }
}
// ANCHOR_END: fallback
