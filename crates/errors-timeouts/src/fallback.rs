//! Fallback chain: try the primary source, then the next, in order, until one answers.
//!
//! [`fallback`] checks that the chain is not empty, then returns a future that awaits each
//! source in turn and stops at the first success. Futures are lazy, so
//! building the whole chain up front calls nothing: a source's request is only sent when its turn
//! comes. Sources of different types are boxed (`FutureExt::boxed`) into one list. The answer,
//! [`Served`], says which source answered and keeps the errors of those skipped, so a fallback
//! is never silent.
//!
//! The lesson: `docs/errors-timeouts.md`, section *Fallback chain*.
//!
//! # See also
//! [`crate::hedged_request`] (ask two at once), [`crate::circuit_breaker`].

use std::future::Future;

use basics::ConfigError;

/// The answer of a [`fallback`] chain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "the answer carries the errors of the sources skipped"]
pub struct Served<T, E> {
    /// The label of the source that answered.
    pub source: &'static str,
    /// Its answer.
    pub value: T,
    /// The sources tried before it, with their errors, in order.
    pub skipped: Vec<(&'static str, E)>,
}

/// Every source of a [`fallback`] chain failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("all {} sources failed", .errors.len())]
pub struct AllFailed<E> {
    /// Each source's label and error, in order.
    pub errors: Vec<(&'static str, E)>,
}

// ANCHOR: fallback
/// Checks that the chain has a source, then returns a future that awaits each
/// `(label, source)` in order and resolves to the first success.
///
/// # Errors
/// [`ConfigError::Empty`] for an empty chain. The returned future resolves to [`AllFailed`]
/// when every source fails.
///
/// # Examples
/// ```
/// use errors_timeouts::fallback;
/// use futures::FutureExt;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let served = fallback([
///     ("primary", async { Err::<String, _>("connection refused") }.boxed()),
///     ("cache", async { Ok("cached profile".to_string()) }.boxed()),
/// ])?
/// .await
/// .unwrap();
/// assert_eq!((served.source, served.value.as_str()), ("cache", "cached profile"));
/// assert_eq!(served.skipped, [("primary", "connection refused")]);
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops the source being tried; later sources are never called.
pub fn fallback<I, F, T, E>(
    sources: I,
) -> Result<impl Future<Output = Result<Served<T, E>, AllFailed<E>>>, ConfigError>
where
    I: IntoIterator<Item = (&'static str, F)>,
    F: Future<Output = Result<T, E>>,
{
    // Collecting the sources calls nothing: each is a future that does nothing until awaited.
    let sources: Vec<(&'static str, F)> = sources.into_iter().collect();
    if sources.is_empty() {
        return Err(ConfigError::Empty { name: "sources" });
    }
    Ok(try_in_order(sources))
}

async fn try_in_order<F, T, E>(
    sources: Vec<(&'static str, F)>,
) -> Result<Served<T, E>, AllFailed<E>>
where
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
    Err(AllFailed { errors: skipped })
}
// ANCHOR_END: fallback
