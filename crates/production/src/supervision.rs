//! Supervision: restart a background task that failed, with capped exponential backoff and
//! seeded jitter, give up after too many restarts in a window, and end in a terminal state that
//! says why.
//!
//! [`Supervised::spawn`] runs a child (a factory called once per run) in its own tokio task, so
//! a panic is caught as a panic ([`Failure::Panicked`]) and never reaches the supervisor or a
//! sibling. A run that returns `Err` or panics is restarted after [`Backoff`]'s next delay,
//! unless the [`PanicPolicy`] says a panic stops it, or `max_restarts` restarts already
//! happened within `window` ([`Exit::GaveUp`]). A run that lasted `healthy_after` resets the
//! failure streak, so the next failure backs off from the start again.
//!
//! The lesson: `docs/production.md`, section *Supervision*.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use basics::config::{self, ConfigError};
use basics::task::{PanicPayload, TaskFailed};
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;

/// What a panicking run makes the supervisor do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanicPolicy {
    /// Treat it like an error: back off and restart (within the budget).
    Restart,
    /// Stop at once with [`Exit::PanicStopped`]; the service decides what follows (usually,
    /// shutting down).
    Stop,
}

// ANCHOR: config
/// How a child is restarted and when the supervisor gives up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisorConfig {
    /// The delay before the first restart of a failure streak; doubled for each further
    /// failure in the streak. At least 1 ms (the timer's resolution).
    pub initial_backoff: Duration,
    /// The cap on the doubled delay.
    pub max_backoff: Duration,
    /// Each delay is shortened by a random share of up to this many percent (0..=100), drawn
    /// from a generator seeded with `seed`, so restarts of many instances spread out while one
    /// run stays reproducible.
    pub jitter_percent: u32,
    /// The jitter generator's seed.
    pub seed: u64,
    /// The most restarts allowed within `window`; the failure after them gives up.
    pub max_restarts: usize,
    /// The sliding window `max_restarts` is counted over.
    pub window: Duration,
    /// A run that lasts this long before failing resets the failure streak.
    pub healthy_after: Duration,
    /// What a panic does.
    pub on_panic: PanicPolicy,
}
// ANCHOR_END: config

impl Default for SupervisorConfig {
    /// 100 ms doubling to 10 s, 20% jitter (seed 0), 5 restarts in 60 s, a run of 30 s is
    /// healthy, panics restart.
    fn default() -> SupervisorConfig {
        SupervisorConfig {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            jitter_percent: 20,
            seed: 0,
            max_restarts: 5,
            window: Duration::from_secs(60),
            healthy_after: Duration::from_secs(30),
            on_panic: PanicPolicy::Restart,
        }
    }
}

impl SupervisorConfig {
    /// Checks every field.
    ///
    /// # Errors
    /// [`ConfigError::Zero`] for a zero duration or `max_restarts` (a budget of 0 restarts is
    /// no supervision: run the task without a supervisor), [`ConfigError::TooLarge`] for
    /// `jitter_percent` above 100 or `max_restarts` past [`config::MAX_CAPACITY`],
    /// [`ConfigError::TooLong`] past [`config::MAX_DURATION`], [`ConfigError::Invalid`] for an
    /// `initial_backoff` under 1 ms or above `max_backoff`.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let initial = config::duration("initial_backoff", self.initial_backoff)?;
        let max = config::duration("max_backoff", self.max_backoff)?;
        if initial < Duration::from_millis(1) {
            return Err(ConfigError::Invalid {
                name: "initial_backoff",
                reason: "must be at least 1 ms, the timer's resolution",
            });
        }
        if initial > max {
            return Err(ConfigError::Invalid {
                name: "initial_backoff",
                reason: "must not be longer than max_backoff",
            });
        }
        if self.jitter_percent > 100 {
            return Err(ConfigError::TooLarge {
                name: "jitter_percent",
                value: self.jitter_percent as usize,
                max: 100,
            });
        }
        config::count("max_restarts", self.max_restarts)?;
        config::duration("window", self.window)?;
        config::duration("healthy_after", self.healthy_after)?;
        Ok(())
    }
}

// ANCHOR: backoff
/// The restart delays: capped exponential backoff with seeded jitter, in whole milliseconds.
///
/// The `streak`-th failure in a row waits `min(initial × 2^(streak-1), max)`, shortened by a
/// random share of up to `jitter_percent`. The generator is SplitMix64 seeded with `seed`: the
/// same config gives the same delays on every run, which is what makes restart instants exact
/// on the paused clock.
///
/// ```
/// use std::time::Duration;
/// use production::{Backoff, SupervisorConfig};
///
/// let config = SupervisorConfig { jitter_percent: 0, ..SupervisorConfig::default() };
/// let mut backoff = Backoff::new(&config);
/// let delays: Vec<u128> = (1..=9).map(|streak| backoff.delay(streak).as_millis()).collect();
/// assert_eq!(delays, [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
/// ```
#[derive(Debug, Clone)]
pub struct Backoff {
    initial_ms: u64,
    max_ms: u64,
    jitter_percent: u64,
    state: u64,
}

impl Backoff {
    /// The delays of `config` (assumed valid: see [`SupervisorConfig::validate`]).
    pub fn new(config: &SupervisorConfig) -> Backoff {
        let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Backoff {
            initial_ms: millis(config.initial_backoff),
            max_ms: millis(config.max_backoff),
            jitter_percent: u64::from(config.jitter_percent.min(100)),
            state: config.seed,
        }
    }

    /// The delay before the restart that follows the `streak`-th failure in a row (from 1).
    pub fn delay(&mut self, streak: u32) -> Duration {
        let factor = 1_u64
            .checked_shl(streak.saturating_sub(1))
            .unwrap_or(u64::MAX);
        let base = self.initial_ms.saturating_mul(factor).min(self.max_ms);
        // A share in [0, jitter_percent) percent, in millionths, from the next random number.
        let share = self.next_random() % 1_000_000 * self.jitter_percent / 100;
        let cut = u128::from(base) * u128::from(share) / 1_000_000;
        let cut = u64::try_from(cut).expect("the cut is at most base, a u64");
        Duration::from_millis(base - cut)
    }

    // SplitMix64: tiny, fast, and the same sequence on every platform for one seed.
    fn next_random(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
// ANCHOR_END: backoff

/// Why one run of the child ended without success.
#[derive(Debug)]
pub enum Failure<E> {
    /// The run returned an error.
    Error(E),
    /// The run panicked; the panic was caught in the child's own task.
    Panicked(PanicPayload),
}

impl<E: fmt::Display> fmt::Display for Failure<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Error(error) => write!(f, "error: {error}"),
            Failure::Panicked(payload) => write!(f, "panic: {payload}"),
        }
    }
}

// ANCHOR: exit
/// The terminal state of a supervised child, with its reason.
#[derive(Debug)]
pub enum Exit<E> {
    /// A run returned `Ok(())`: the child's work is done, nothing to restart.
    Completed {
        /// Runs started, the last one included.
        runs: u64,
    },
    /// A run failed after `restarts` restarts within `window`: the budget is spent.
    GaveUp {
        /// Restarts within the window when it gave up (the configured `max_restarts`).
        restarts: usize,
        /// The window.
        window: Duration,
        /// The failure that used up the budget.
        last: Failure<E>,
    },
    /// A run panicked and the policy is [`PanicPolicy::Stop`].
    PanicStopped {
        /// What it panicked with.
        payload: PanicPayload,
    },
    /// Stopped from outside: `close`, `shutdown`, or the runtime shutting down.
    Closed,
}
// ANCHOR_END: exit

impl<E: fmt::Display> fmt::Display for Exit<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exit::Completed { runs } => write!(f, "completed after {runs} runs"),
            Exit::GaveUp {
                restarts,
                window,
                last,
            } => write!(
                f,
                "gave up: {restarts} restarts within {} s, then {last}",
                window.as_secs_f64()
            ),
            Exit::PanicStopped { payload } => write!(f, "stopped on panic: {payload}"),
            Exit::Closed => f.write_str("closed"),
        }
    }
}

/// What a supervised child is doing now, for [`Supervised::watch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildState {
    /// Run number `run` (from 1) is running.
    Running {
        /// The run's number.
        run: u64,
    },
    /// Waiting `delay` before restarting, after the `streak`-th failure in a row.
    BackingOff {
        /// Failures in a row.
        streak: u32,
        /// The delay.
        delay: Duration,
    },
    /// Terminal: [`Supervised::join`] returns the [`Exit`] with its reason.
    Stopped,
}

/// A supervised background task; see the [module docs](self).
///
/// Owned by one caller, not `Clone` ([`watch`](Supervised::watch) shares the state). Dropping
/// it aborts the supervisor and the run in progress. Each supervised child is independent, so
/// one giving up leaves its siblings running.
#[derive(Debug)]
#[must_use = "dropping the handle stops the child"]
pub struct Supervised<E> {
    token: CancellationToken,
    state: watch::Receiver<ChildState>,
    task: AbortOnDropHandle<Exit<E>>,
}

impl<E: Send + 'static> Supervised<E> {
    /// Starts supervising: `factory` is called for run 1 at once and again for each restart;
    /// each run is spawned as its own task.
    ///
    /// # Errors
    /// As [`SupervisorConfig::validate`].
    ///
    /// # Panics
    /// Outside a tokio runtime, as [`tokio::spawn`] does.
    #[track_caller]
    pub fn spawn<F, Fut>(config: SupervisorConfig, factory: F) -> Result<Supervised<E>, ConfigError>
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
    {
        config.validate()?;
        let token = CancellationToken::new();
        let (state, watched) = watch::channel(ChildState::Running { run: 1 });
        let task = tokio::spawn(supervise(config, factory, token.clone(), state));
        Ok(Supervised {
            token,
            state: watched,
            task: AbortOnDropHandle::new(task),
        })
    }

    /// The child's state now.
    pub fn state(&self) -> ChildState {
        *self.state.borrow()
    }

    /// A receiver that sees every later state change.
    pub fn watch(&self) -> watch::Receiver<ChildState> {
        self.state.clone()
    }

    /// Stops supervising without waiting: the run in progress is aborted, no restart follows.
    /// Returns whether this call stopped it.
    pub fn close(&self) -> bool {
        if self.token.is_cancelled() {
            return false;
        }
        self.token.cancel();
        true
    }

    /// Waits for the terminal state, without stopping anything.
    ///
    /// # Cancel safety
    /// Dropping the future drops the handle, which aborts the supervisor and its run.
    pub async fn join(self) -> Exit<E> {
        match self.task.await {
            Ok(exit) => exit,
            // The supervisor itself never panics (runs panic in their own tasks), so a failed
            // join means its runtime is shutting down.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_cancelled) => Exit::Closed,
        }
    }

    /// Stops supervising (aborting the run in progress) and returns the terminal state: a
    /// child that had already stopped keeps its own reason.
    ///
    /// # Cancel safety
    /// As [`join`](Supervised::join).
    pub async fn shutdown(self) -> Exit<E> {
        self.close();
        self.join().await
    }
}

// ANCHOR: supervise
async fn supervise<F, Fut, E>(
    config: SupervisorConfig,
    mut factory: F,
    token: CancellationToken,
    state: watch::Sender<ChildState>,
) -> Exit<E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Send + 'static,
{
    let mut backoff = Backoff::new(&config);
    let mut restarts: VecDeque<Instant> = VecDeque::new();
    let mut streak: u32 = 0;
    let mut run: u64 = 0;
    let exit = loop {
        run += 1;
        state.send_replace(ChildState::Running { run });
        let started = Instant::now();
        // Each run is its own task: a panic is caught by tokio and comes back as a JoinError,
        // so it is reported as a panic and cannot unwind through the supervisor.
        let future = std::panic::catch_unwind(AssertUnwindSafe(&mut factory));
        let mut handle =
            match future {
                Ok(future) => AbortOnDropHandle::new(tokio::spawn(future)),
                Err(payload) => AbortOnDropHandle::new(tokio::spawn(async move {
                    std::panic::resume_unwind(payload)
                })),
            };
        let joined = tokio::select! {
            biased;
            () = token.cancelled() => {
                handle.abort();
                break Exit::Closed;
            }
            joined = &mut handle => joined,
        };
        let failure = match joined {
            Ok(Ok(())) => break Exit::Completed { runs: run },
            Ok(Err(error)) => Failure::Error(error),
            Err(error) => match TaskFailed::from_join_error(0, error) {
                TaskFailed::Panicked { payload, .. } => match config.on_panic {
                    PanicPolicy::Stop => break Exit::PanicStopped { payload },
                    PanicPolicy::Restart => Failure::Panicked(payload),
                },
                // Only the runtime shutting down cancels a run we did not abort.
                TaskFailed::Cancelled { .. } => break Exit::Closed,
            },
        };
        // ANCHOR: supervision_key
        let now = Instant::now();
        if now.duration_since(started) >= config.healthy_after {
            streak = 0;
        }
        while restarts
            .front()
            .is_some_and(|&at| now.duration_since(at) >= config.window)
        {
            restarts.pop_front();
        }
        if restarts.len() >= config.max_restarts {
            break Exit::GaveUp {
                restarts: restarts.len(),
                window: config.window,
                last: failure,
            };
        }
        streak = streak.saturating_add(1);
        let delay = backoff.delay(streak);
        // ANCHOR_END: supervision_key
        state.send_replace(ChildState::BackingOff { streak, delay });
        tokio::select! {
            biased;
            () = token.cancelled() => break Exit::Closed,
            () = tokio::time::sleep(delay) => {}
        }
        restarts.push_back(Instant::now());
    };
    state.send_replace(ChildState::Stopped);
    exit
}
// ANCHOR_END: supervise
