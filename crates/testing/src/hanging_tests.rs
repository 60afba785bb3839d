//! Hanging tests: a time budget around every `.await` that can wait, so a test that would hang
//! fails at once with the name of what it waited for, instead of being killed by CI after an
//! hour with no message.
//!
//! A [`Budget`] is made once per test with its total time. Each wait goes through
//! [`Budget::wait`] with a name; a wait that outlives what is left of the budget is dropped and
//! the test gets [`Hung`]: "hung: waited 5.000s for `the queue to drain` (budget 5.000s)". On a
//! paused clock the budget costs no real time: a hang is reported at the instant the budget
//! ends, in microseconds.
//!
//! A budget is a future too: it only fires while the runtime gets to run timers. A test whose
//! thread is blocked (a `std::sync::Mutex` deadlock, a blocking call that never returns) is not
//! rescued by any timeout; the [`StallMonitor`](crate::StallMonitor) names that kind of hang.
//!
//! The lesson: `docs/testing.md`, section *Hanging tests*.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::format_stamp;

/// A wait that outlived its test's budget.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hung: waited {} for `{what}` (budget {})", secs(*.waited), secs(*.budget))]
pub struct Hung {
    /// The name the wait was given.
    pub what: String,
    /// Virtual time from the budget's start to the moment it ran out.
    pub waited: Duration,
    /// The budget's total.
    pub budget: Duration,
}

fn secs(duration: Duration) -> String {
    format_stamp(duration).trim_start_matches('+').to_owned()
}

// ANCHOR: budget
/// A test's total time budget, shared by every wait in it.
#[derive(Clone, Copy)]
pub struct Budget {
    start: Instant,
    total: Duration,
    // `None` when `start + total` is past what an `Instant` can hold: a budget that never ends.
    deadline: Option<Instant>,
}

impl Budget {
    /// A budget of `total`, starting now on tokio's clock. A total too large for an `Instant`
    /// (`Duration::MAX`) never runs out.
    pub fn new(total: Duration) -> Budget {
        let start = Instant::now();
        Budget {
            start,
            total,
            deadline: start.checked_add(total),
        }
    }

    /// What is left of the budget.
    pub fn remaining(&self) -> Duration {
        self.total.saturating_sub(self.start.elapsed())
    }

    // ANCHOR: hanging_tests_key
    /// Awaits `future` within what is left of the budget.
    ///
    /// # Errors
    /// [`Hung`] naming `what` when the budget runs out first; `future` is dropped then.
    ///
    /// # Cancel safety
    /// As `future`'s: dropping this drops it.
    pub async fn wait<F: Future>(&self, what: &str, future: F) -> Result<F::Output, Hung> {
        let Some(deadline) = self.deadline else {
            return Ok(future.await);
        };
        tokio::time::timeout_at(deadline, future)
            .await
            .map_err(|_elapsed| Hung {
                what: what.to_owned(),
                waited: self.start.elapsed(),
                budget: self.total,
            })
    }
    // ANCHOR_END: hanging_tests_key
}
// ANCHOR_END: budget

impl fmt::Debug for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Budget")
            .field("total", &self.total)
            .field("remaining", &self.remaining())
            .finish()
    }
}
