//! A scripted fake remote service: its latency and failures follow a script, on tokio's clock.
//!
//! Tests and examples of retries, breakers, fallbacks and hedging need a remote that misbehaves
//! on cue: "fail 3 times, then take 2 s, then succeed". [`FakeService`] plays a [`Script`] of
//! [`Step`]s, one per call, in call order; once the script runs out it repeats its last step
//! forever (or answers at once when the script is empty). Latency is a `tokio::time::sleep`, so
//! on a paused clock every call takes exactly its scripted time.
//!
//! The service counts what happened to its calls, including the ones cancelled mid-flight (their
//! future dropped at the sleep), so a test can assert that a loser was really cancelled.
//!
//! # Examples
//! ```
//! use std::time::Duration;
//! use testing::{FakeService, Script, Step};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let remote = FakeService::new(
//!     "remote",
//!     Script::new()
//!         .then_repeat(3, Step::fail_after(Duration::from_millis(100)))
//!         .then(Step::ok_after(Duration::from_secs(2))),
//! );
//! let start = tokio::time::Instant::now();
//! for _ in 0..3 {
//!     assert!(remote.call().await.is_err());
//! }
//! assert_eq!(remote.call().await.unwrap(), "remote reply 4");
//! assert_eq!(start.elapsed(), Duration::from_millis(2_300));
//! assert_eq!(remote.stats().failed, 3);
//! # }
//! ```

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// One scripted call: how long it takes and whether it succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// How long the call takes before it answers.
    pub latency: Duration,
    /// Whether the answer is a success.
    pub succeeds: bool,
}

impl Step {
    /// A call that succeeds at once.
    pub fn ok() -> Step {
        Step::ok_after(Duration::ZERO)
    }

    /// A call that succeeds after `latency`.
    pub fn ok_after(latency: Duration) -> Step {
        Step {
            latency,
            succeeds: true,
        }
    }

    /// A call that fails at once.
    pub fn fail() -> Step {
        Step::fail_after(Duration::ZERO)
    }

    /// A call that fails after `latency`.
    pub fn fail_after(latency: Duration) -> Step {
        Step {
            latency,
            succeeds: false,
        }
    }
}

/// The steps a [`FakeService`] plays, one per call, in order; the last one repeats forever.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    steps: Vec<Step>,
}

impl Script {
    /// An empty script: every call succeeds at once.
    pub fn new() -> Script {
        Script::default()
    }

    /// Appends one step.
    pub fn then(mut self, step: Step) -> Script {
        self.steps.push(step);
        self
    }

    /// Appends `times` copies of `step` (none when `times` is 0).
    pub fn then_repeat(mut self, times: usize, step: Step) -> Script {
        self.steps.extend(std::iter::repeat_n(step, times));
        self
    }
}

/// The failure a [`FakeService`] answers with when its step says so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{service} failed call {call}")]
pub struct FakeError {
    /// The service's name.
    pub service: String,
    /// Which call failed, counting from 1.
    pub call: usize,
}

/// What happened to a service's calls so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Calls started.
    pub started: usize,
    /// Calls that answered with a success.
    pub succeeded: usize,
    /// Calls that answered with a [`FakeError`].
    pub failed: usize,
    /// Calls dropped before they answered (cancelled at their sleep).
    pub cancelled: usize,
}

/// A fake remote whose answers follow a [`Script`]; clones share the script and the counters.
#[derive(Debug, Clone)]
pub struct FakeService {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    name: String,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    steps: VecDeque<Step>,
    last: Step,
    stats: Stats,
}

impl FakeService {
    /// A service called `name` that plays `script`.
    pub fn new(name: impl Into<String>, script: Script) -> FakeService {
        let last = script.steps.last().copied().unwrap_or_else(Step::ok);
        FakeService {
            inner: Arc::new(Inner {
                name: name.into(),
                state: Mutex::new(State {
                    steps: script.steps.into(),
                    last,
                    stats: Stats::default(),
                }),
            }),
        }
    }

    /// The service's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Counters of started, succeeded, failed and cancelled calls.
    pub fn stats(&self) -> Stats {
        self.state().stats
    }

    // A std mutex: it is held for a counter update or a pop, never across an `.await`.
    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes one call: takes the next step of the script, sleeps its latency on tokio's clock,
    /// then answers `"<name> reply <call>"` or a [`FakeError`].
    ///
    /// # Errors
    /// A [`FakeError`] when the step says the call fails.
    ///
    /// # Cancel safety
    /// The call starts (takes its step and counts as started) when the future is first polled;
    /// a future dropped before that has made no call. Dropping it after that, before it
    /// answers, counts the call as cancelled; its step is used up all the same, as a real
    /// request that reached the server would be.
    pub async fn call(&self) -> Result<String, FakeError> {
        let (call, step) = {
            let mut state = self.state();
            state.stats.started += 1;
            let step = state.steps.pop_front().unwrap_or(state.last);
            (state.stats.started, step)
        };
        // If the caller drops this future during the sleep, the guard records a cancellation.
        let guard = CancelGuard {
            service: self,
            armed: true,
        };
        tokio::time::sleep(step.latency).await;
        guard.disarm();
        let mut state = self.state();
        if step.succeeds {
            state.stats.succeeded += 1;
            Ok(format!("{} reply {call}", self.inner.name))
        } else {
            state.stats.failed += 1;
            Err(FakeError {
                service: self.inner.name.clone(),
                call,
            })
        }
    }
}

struct CancelGuard<'a> {
    service: &'a FakeService,
    armed: bool,
}

impl CancelGuard<'_> {
    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for CancelGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.service.state().stats.cancelled += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn the_script_plays_in_order_and_its_last_step_repeats() {
        let service = FakeService::new(
            "s",
            Script::new()
                .then(Step::fail_after(Duration::from_millis(100)))
                .then(Step::ok_after(Duration::from_secs(1))),
        );
        let start = Instant::now();
        let first = service.call().await;
        assert_eq!(
            first,
            Err(FakeError {
                service: "s".into(),
                call: 1
            })
        );
        assert_eq!(start.elapsed(), Duration::from_millis(100));
        assert_eq!(service.call().await.as_deref(), Ok("s reply 2"));
        assert_eq!(service.call().await.as_deref(), Ok("s reply 3"));
        assert_eq!(start.elapsed(), Duration::from_millis(2_100));
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_script_answers_at_once() {
        let service = FakeService::new("s", Script::new());
        let start = Instant::now();
        assert!(service.call().await.is_ok());
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_call_counts_as_cancelled() {
        let service = FakeService::new(
            "s",
            Script::new().then(Step::ok_after(Duration::from_secs(5))),
        );
        let outcome = tokio::time::timeout(Duration::from_secs(1), service.call()).await;
        assert!(outcome.is_err());
        assert_eq!(
            service.stats(),
            Stats {
                started: 1,
                succeeded: 0,
                failed: 0,
                cancelled: 1
            }
        );
    }
}
