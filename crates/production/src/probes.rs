//! Probes: the three questions an orchestrator asks a service (is it alive, has it started, may
//! it take traffic), answered from one [`watch`] state.
//!
//! [`Probes`] holds the service's [`Phase`]: `Starting` until the lifespan is done, `Ready`
//! while serving, `Draining` from the moment shutdown begins, `Stopped` at the end. Each probe
//! reads it:
//!
//! | probe | passes in | checks |
//! |---|---|---|
//! | [`liveness`](Probes::liveness) | every phase | no dependency: a down database must not restart the process |
//! | [`startup`](Probes::startup) | `Ready`, `Draining`, `Stopped` | startup is over (the lifespan completed, or shutdown began) |
//! | [`readiness`](Probes::readiness) | `Ready` only | the service takes new work |
//!
//! [`Shutdown::close`](crate::Shutdown::close) moves the phase to `Draining` before it tells the
//! listener to stop, so a load balancer sees "not ready" while the listener still answers.
//!
//! The lesson: `docs/production.md`, section *Probes*.

use std::fmt;
use std::sync::Arc;

use tokio::sync::watch;

// ANCHOR: phase
/// Where a service is in its life, in the order it moves through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// The lifespan is still starting resources.
    Starting,
    /// Started and taking new work.
    Ready,
    /// Shutdown has begun: no new work, in-flight work is finishing.
    Draining,
    /// Shutdown is over.
    Stopped,
}
// ANCHOR_END: phase

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Starting => "starting",
            Phase::Ready => "ready",
            Phase::Draining => "draining",
            Phase::Stopped => "stopped",
        })
    }
}

/// A probe failed: which probe, and the phase that failed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{probe} probe fails: service is {phase}")]
pub struct ProbeFailed {
    /// `"startup"` or `"readiness"` (liveness never fails).
    pub probe: &'static str,
    /// The phase the service was in.
    pub phase: Phase,
}

impl ProbeFailed {
    /// The HTTP status a probe endpoint answers with for this failure: 503.
    pub fn status_code(&self) -> u16 {
        503
    }
}

// ANCHOR: probes
/// The service's phase, shared by the code that moves it and the probes that read it.
///
/// Cheap to clone: clones share one [`watch`] channel. Moving the phase only goes forward
/// (`Starting → Ready → Draining → Stopped`); a call that would move it back does nothing and
/// returns `false`, so a late `mark_started` cannot make a draining service ready again.
///
/// # Examples
/// ```
/// use production::{Phase, Probes};
///
/// let probes = Probes::new();
/// assert!(probes.liveness().is_ok());
/// assert!(probes.startup().is_err());      // the lifespan has not finished
/// assert!(probes.mark_started());
/// assert!(probes.readiness().is_ok());
/// assert!(probes.begin_draining());        // shutdown begins: readiness fails at once
/// assert_eq!(probes.readiness().unwrap_err().phase, Phase::Draining);
/// assert!(probes.startup().is_ok() && probes.liveness().is_ok());
/// ```
#[derive(Debug, Clone)]
pub struct Probes {
    phase: Arc<watch::Sender<Phase>>,
}

impl Probes {
    /// A service that is [`Phase::Starting`].
    pub fn new() -> Probes {
        Probes {
            phase: Arc::new(watch::Sender::new(Phase::Starting)),
        }
    }

    /// The current phase.
    pub fn phase(&self) -> Phase {
        *self.phase.borrow()
    }

    /// A receiver that sees every later phase change (`changed().await`, `wait_for`).
    pub fn watch(&self) -> watch::Receiver<Phase> {
        self.phase.subscribe()
    }

    /// Liveness: passes whenever it is asked. It checks that the process can run this code and
    /// nothing else: no dependency, no phase, so a failing database or a long drain never gets
    /// the process restarted.
    ///
    /// # Errors
    /// Never; the `Result` keeps the three probes one shape.
    pub fn liveness(&self) -> Result<(), ProbeFailed> {
        Ok(())
    }

    /// Startup: fails while the service is [`Phase::Starting`], passes once startup is over:
    /// the lifespan completed ([`mark_started`](Probes::mark_started)) or shutdown began
    /// during startup ([`begin_draining`](Probes::begin_draining)), after which readiness
    /// still fails.
    ///
    /// # Errors
    /// [`ProbeFailed`] with `probe: "startup"` while starting.
    pub fn startup(&self) -> Result<(), ProbeFailed> {
        match self.phase() {
            Phase::Starting => Err(ProbeFailed {
                probe: "startup",
                phase: Phase::Starting,
            }),
            _ => Ok(()),
        }
    }

    /// Readiness: passes only in [`Phase::Ready`]; fails from the moment shutdown begins.
    ///
    /// # Errors
    /// [`ProbeFailed`] with `probe: "readiness"` in every other phase.
    // ANCHOR: probes_key
    pub fn readiness(&self) -> Result<(), ProbeFailed> {
        match self.phase() {
            Phase::Ready => Ok(()),
            phase => Err(ProbeFailed {
                probe: "readiness",
                phase,
            }),
        }
    }
    // ANCHOR_END: probes_key

    /// The lifespan has completed: `Starting → Ready`. Returns whether this call moved it.
    pub fn mark_started(&self) -> bool {
        self.advance(Phase::Ready)
    }

    /// Shutdown begins: `Starting` or `Ready → Draining`, so readiness fails from now on.
    /// Returns whether this call moved it.
    pub fn begin_draining(&self) -> bool {
        self.advance(Phase::Draining)
    }

    /// Shutdown is over: any phase `→ Stopped`. Returns whether this call moved it.
    pub fn mark_stopped(&self) -> bool {
        self.advance(Phase::Stopped)
    }

    fn advance(&self, to: Phase) -> bool {
        self.phase.send_if_modified(|phase| {
            if *phase < to {
                *phase = to;
                true
            } else {
                false
            }
        })
    }
}
// ANCHOR_END: probes

impl Default for Probes {
    fn default() -> Probes {
        Probes::new()
    }
}
