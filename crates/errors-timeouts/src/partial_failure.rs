//! Partial failure: run every item, keep every outcome, and report successes and failures apart.
//!
//! A future that returns `Result<T, E>` already carries its failure as a value, so
//! [`futures::future::join_all`] over them *is* `return_exceptions=True`. [`settle_all`] adds the
//! report: [`Settled`] keeps each success and each error with the item's position.
//!
//! The lesson: `docs/errors-timeouts.md`, section *Partial failure*.
//!
//! # See also
//! [`crate::fail_fast`](mod@crate::fail_fast) (stop at the first error), [`crate::abort_after_failures`].

use std::future::Future;

// ANCHOR: settled
/// Every outcome of a [`settle_all`], split by kind; each entry keeps its item's input position.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "the report carries the failures"]
pub struct Settled<T, E> {
    /// The successes, in input order: `(position, value)`.
    pub succeeded: Vec<(usize, T)>,
    /// The failures, in input order: `(position, error)`.
    pub failed: Vec<(usize, E)>,
}

impl<T, E> Settled<T, E> {
    /// Whether every item succeeded (true for an empty input).
    pub fn all_succeeded(&self) -> bool {
        self.failed.is_empty()
    }
}
// ANCHOR_END: settled

// ANCHOR: settle_all
/// Runs every future concurrently on the current task, waits for all of them, and sorts the
/// outcomes into a [`Settled`] report. An empty input gives an empty report at once.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let report = errors_timeouts::settle_all((1..=6u32).map(|item| async move {
///     tokio::time::sleep(Duration::from_millis(100)).await;
///     if item.is_multiple_of(3) { Err(format!("item {item} failed")) } else { Ok(item * 10) }
/// }))
/// .await;
/// assert_eq!(report.succeeded.len(), 4);
/// assert_eq!(report.failed, [(2, "item 3 failed".to_string()), (5, "item 6 failed".to_string())]);
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the returned future drops every item at its current `.await`; outcomes already
/// produced are lost with it.
pub async fn settle_all<I, F, T, E>(futures: I) -> Settled<T, E>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>>,
{
    let outcomes = futures::future::join_all(futures).await;
    let mut settled = Settled {
        succeeded: Vec::new(),
        failed: Vec::new(),
    };
    for (position, outcome) in outcomes.into_iter().enumerate() {
        match outcome {
            Ok(value) => settled.succeeded.push((position, value)),
            Err(error) => settled.failed.push((position, error)),
        }
    }
    settled
}
// ANCHOR_END: settle_all
