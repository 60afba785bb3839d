//! Circuit breaker: stop calling a service that keeps failing, let a few probes through after a
//! while, and close again when they succeed.
//!
//! [`CircuitBreaker`] is a small state machine behind a `std::sync::Mutex`, held only to read or
//! change the state (never across the call's `.await`). Time is [`tokio::time::Instant`]:
//!
//! - **closed**: calls pass; `failure_threshold` failures in a row open the breaker;
//! - **open**: every call is rejected at once with [`BreakerError::Open`] until `open_for` has
//!   passed;
//! - **half-open**: at most `half_open_probes` calls are admitted at a time; that many successes
//!   close the breaker, one failure opens it again for another `open_for`.
//!
//! The lesson: `docs/errors-timeouts.md`, section *Circuit breaker*.
//!
//! # See also
//! [`crate::retry`](mod@crate::retry), [`crate::fallback`](mod@crate::fallback).

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use basics::config::{self, ConfigError};
use tokio::time::Instant;

/// A breaker's settings; [`CircuitBreaker::new`] checks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Consecutive failures, while closed, that open the breaker: `1..=config::MAX_CAPACITY`.
    pub failure_threshold: usize,
    /// How long the breaker stays open before it lets probes through: more than zero and at
    /// most [`config::MAX_DURATION`].
    pub open_for: Duration,
    /// How many probes may be in flight while half-open; that many successes close it:
    /// `1..=config::MAX_CAPACITY`.
    pub half_open_probes: usize,
}

impl Default for BreakerConfig {
    /// 5 failures open it for 30 s, then one probe.
    fn default() -> Self {
        BreakerConfig {
            failure_threshold: 5,
            open_for: Duration::from_secs(30),
            half_open_probes: 1,
        }
    }
}

/// The breaker's state, as [`CircuitBreaker::state`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls pass.
    Closed,
    /// Calls are rejected until the open duration has passed.
    Open,
    /// A limited number of probe calls are admitted.
    HalfOpen,
}

/// Why a call through the breaker produced no value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BreakerError<E> {
    /// The breaker rejected the call without making it.
    #[error("circuit open, retry in {retry_in:?}")]
    Open {
        /// How long until the breaker lets probes through (zero when half-open and full).
        retry_in: Duration,
    },
    /// The call was made and failed.
    #[error("call failed")]
    Failed(#[source] E),
}

// ANCHOR: state
#[derive(Debug, Clone, Copy)]
enum State {
    Closed { failures: usize },
    Open { until: Instant },
    HalfOpen { in_flight: usize, successes: usize },
}

#[derive(Debug)]
struct Shared {
    state: State,
    /// How many times the breaker has opened: a probe remembers the opening it belongs to, so
    /// a late probe from an earlier half-open period is not counted in the current one.
    openings: u64,
}
// ANCHOR_END: state

/// A circuit breaker on tokio's clock.
///
/// Cheap to clone (an `Arc` inside): clones share one state, so every caller of one downstream
/// service holds a clone of one breaker.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use errors_timeouts::{BreakerConfig, BreakerError, BreakerState, CircuitBreaker};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), basics::ConfigError> {
/// let config = BreakerConfig { failure_threshold: 2, open_for: Duration::from_secs(30), half_open_probes: 1 };
/// let breaker = CircuitBreaker::new(config)?;
/// for _ in 0..2 {
///     let _ = breaker.call(async { Err::<(), _>("down") }).await;
/// }
/// assert_eq!(breaker.state(), BreakerState::Open);
/// let rejected = breaker.call(async { Ok::<_, &str>(()) }).await;
/// assert!(matches!(rejected, Err(BreakerError::Open { .. })));
/// tokio::time::sleep(Duration::from_secs(30)).await;
/// assert_eq!(breaker.state(), BreakerState::HalfOpen);
/// assert_eq!(breaker.call(async { Ok::<_, &str>(1) }).await, Ok(1));
/// assert_eq!(breaker.state(), BreakerState::Closed);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    shared: Arc<Mutex<Shared>>,
}

impl CircuitBreaker {
    /// A closed breaker.
    ///
    /// # Errors
    /// [`ConfigError`] naming the field: a `failure_threshold` or `half_open_probes` of 0 or
    /// past [`config::MAX_CAPACITY`], an `open_for` of zero or past [`config::MAX_DURATION`].
    pub fn new(config: BreakerConfig) -> Result<CircuitBreaker, ConfigError> {
        config::count("failure_threshold", config.failure_threshold)?;
        config::duration("open_for", config.open_for)?;
        config::count("half_open_probes", config.half_open_probes)?;
        let shared = Shared {
            state: State::Closed { failures: 0 },
            openings: 0,
        };
        Ok(CircuitBreaker {
            config,
            shared: Arc::new(Mutex::new(shared)),
        })
    }

    /// The current state; an open breaker whose open duration has passed reports half-open.
    pub fn state(&self) -> BreakerState {
        // A std mutex: the state is read or changed in a few instructions, never across an
        // `.await`, so the lock is never held while a call runs.
        let shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        match shared.state {
            State::Closed { .. } => BreakerState::Closed,
            State::Open { until } if Instant::now() < until => BreakerState::Open,
            State::Open { .. } | State::HalfOpen { .. } => BreakerState::HalfOpen,
        }
    }

    // ANCHOR: call
    /// Makes the call if the breaker admits it, and records its outcome.
    ///
    /// # Errors
    /// [`BreakerError::Open`] without calling when the breaker is open (or half-open with every
    /// probe slot taken); [`BreakerError::Failed`] when the call fails.
    ///
    /// # Cancel safety
    /// Dropping the returned future drops the call; it is recorded as neither a success nor a
    /// failure, and a half-open probe slot it held is given back.
    pub async fn call<T, E, F>(&self, call: F) -> Result<T, BreakerError<E>>
    where
        F: Future<Output = Result<T, E>>,
    {
        let mut permit = self
            .admit()
            .map_err(|retry_in| BreakerError::Open { retry_in })?;
        let outcome = call.await;
        permit.record(outcome.is_ok());
        outcome.map_err(BreakerError::Failed)
    }
    // ANCHOR_END: call

    // ANCHOR: admit
    // `#[inline]` here, on the outcome path and on the permit: `call` is generic, so it is
    // compiled in the caller's crate, and without them these per-call steps stay out-of-line
    // calls there. Measured by `cargo bench -p errors-timeouts` (200 000 closed-state calls):
    // 1.08x a hand-written `Mutex<u32>` check with them and the in-place fast path below,
    // 1.34x without (24% slower), so they stay.
    #[inline]
    fn admit(&self) -> Result<Permit<'_>, Duration> {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        let probe = match shared.state {
            // The common case reads no clock: with tokio's `test-util` on, `Instant::now` looks
            // up the runtime, which costs more than the rest of this function.
            State::Closed { .. } => None,
            State::Open { until } => {
                let now = Instant::now();
                if now < until {
                    return Err(until - now);
                }
                shared.state = State::HalfOpen {
                    in_flight: 1,
                    successes: 0,
                };
                Some(shared.openings)
            }
            State::HalfOpen {
                ref mut in_flight, ..
            } => {
                if *in_flight >= self.config.half_open_probes {
                    return Err(Duration::ZERO);
                }
                *in_flight += 1;
                Some(shared.openings)
            }
        };
        Ok(Permit {
            breaker: self,
            probe,
            recorded: false,
        })
    }

    #[inline]
    fn on_outcome(&self, probe: Option<u64>, success: bool) {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        // The common case, a success while closed, in place: no state is rebuilt or compared.
        if let (State::Closed { failures }, true) = (&mut shared.state, success) {
            *failures = 0;
            return;
        }
        self.transition(&mut shared, probe, success);
    }

    // Every other outcome: kept out of line, so the inlined common case stays small.
    fn transition(&self, shared: &mut Shared, probe: Option<u64>, success: bool) {
        // Only probes of the current half-open period count: a late probe from an earlier one,
        // or a call admitted while closed that lands now, changes nothing here.
        let current_probe = probe == Some(shared.openings);
        let threshold = self.config.failure_threshold;
        let next = match (shared.state, success) {
            (State::Closed { .. }, true) => State::Closed { failures: 0 },
            (State::Closed { failures }, false) if failures + 1 >= threshold => State::Open {
                until: self.reopen_at(),
            },
            (State::Closed { failures }, false) => State::Closed {
                failures: failures + 1,
            },
            (
                State::HalfOpen {
                    in_flight,
                    successes,
                },
                true,
            ) if current_probe => {
                if successes + 1 >= self.config.half_open_probes {
                    State::Closed { failures: 0 }
                } else {
                    State::HalfOpen {
                        in_flight: in_flight - 1,
                        successes: successes + 1,
                    }
                }
            }
            (State::HalfOpen { .. }, false) if current_probe => State::Open {
                until: self.reopen_at(),
            },
            (current, _) => current,
        };
        if matches!(next, State::Open { .. }) && !matches!(shared.state, State::Open { .. }) {
            shared.openings += 1;
        }
        shared.state = next;
    }

    // When an opening that starts now ends. `new` checked `open_for <= config::MAX_DURATION`,
    // so the sum cannot overflow.
    fn reopen_at(&self) -> Instant {
        Instant::now() + self.config.open_for
    }

    fn on_cancel(&self, probe: Option<u64>) {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        let current_probe = probe == Some(shared.openings);
        if let (true, State::HalfOpen { in_flight, .. }) = (current_probe, &mut shared.state) {
            *in_flight = in_flight.saturating_sub(1);
        }
    }
    // ANCHOR_END: admit
}

/// An admitted call; dropping it unrecorded (the call was cancelled) frees a probe slot.
struct Permit<'a> {
    breaker: &'a CircuitBreaker,
    /// The opening this probe belongs to; `None` for a call admitted while closed.
    probe: Option<u64>,
    recorded: bool,
}

impl Permit<'_> {
    #[inline]
    fn record(&mut self, success: bool) {
        self.recorded = true;
        self.breaker.on_outcome(self.probe, success);
    }
}

impl Drop for Permit<'_> {
    #[inline]
    fn drop(&mut self) {
        if !self.recorded {
            self.breaker.on_cancel(self.probe);
        }
    }
}
