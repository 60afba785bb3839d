//! Graceful shutdown: on a stop signal, stop accepting, let in-flight work finish under a drain
//! deadline, abort and count the stragglers, and let a second signal force the exit.
//!
//! [`Shutdown`] is built on tokio-util's [`CancellationToken`] (the app's "stop now" flag, seen
//! by the listener and by long-lived connections) and [`TaskTracker`] (waits for every job).
//! [`Shutdown::close`] does three things in this order, at once: readiness off
//! ([`Probes::begin_draining`]), new jobs refused, the app's token cancelled.
//! [`Shutdown::shutdown`] then waits for the jobs until the drain deadline, aborts the rest and
//! returns a [`ShutdownReport`] that counts them. [`signals`] turns SIGINT and SIGTERM into a
//! stream of [`Signal`]s, and [`serve_until_stopped`] ties it together: the first signal shuts
//! down, a second one cuts the drain short.
//!
//! The lesson: `docs/production.md`, section *Graceful shutdown*.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use basics::config::{self, ConfigError};
use futures::{FutureExt as _, Stream, StreamExt as _};
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::probes::Probes;

// ANCHOR: signal
/// A stop request: the two signals a service is asked to stop with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT: Ctrl-C in a terminal.
    Interrupt,
    /// SIGTERM: what `kill`, systemd, Docker and Kubernetes send first.
    Terminate,
}
// ANCHOR_END: signal

impl Signal {
    /// The signal's name: `SIGINT` or `SIGTERM`.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }

    /// The exit status a shell reports for a process this signal ended: 128 plus the signal's
    /// number (130 for SIGINT, 143 for SIGTERM). A forced exit uses it.
    pub fn exit_code(self) -> i32 {
        match self {
            Signal::Interrupt => 128 + 2,
            Signal::Terminate => 128 + 15,
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// SIGINT and SIGTERM as a [`Stream`] of [`Signal`]s; see [`signals`].
///
/// Dropping it does not give the signals their default action back: from [`signals`] on, the
/// process no longer dies of SIGINT or SIGTERM by itself (tokio keeps its handlers installed).
#[derive(Debug)]
#[must_use = "signals are only seen by polling the stream"]
pub struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(not(unix))]
    ctrl_c: futures::stream::BoxStream<'static, Signal>,
}

// ANCHOR: signals
/// Installs handlers for SIGINT and SIGTERM and returns them as one stream.
///
/// Call it before starting anything (before the lifespan), so a signal that arrives during
/// startup is queued for the stream instead of killing the process half-started. Each
/// delivery is one item; several deliveries of one signal before the stream is polled may be
/// seen as one. (On Windows, which has no SIGTERM, the stream yields Ctrl-C as `Interrupt`.)
///
/// # Errors
/// When the operating system refuses to install a handler.
///
/// # Panics
/// Outside a tokio runtime with I/O enabled, as [`tokio::signal`] does.
pub fn signals() -> std::io::Result<Signals> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }
    #[cfg(not(unix))]
    {
        let ctrl_c = futures::stream::unfold((), |()| async {
            tokio::signal::ctrl_c().await.ok()?;
            Some((Signal::Interrupt, ()))
        });
        Ok(Signals {
            ctrl_c: ctrl_c.boxed(),
        })
    }
}
// ANCHOR_END: signals

impl Stream for Signals {
    type Item = Signal;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Signal>> {
        let this = self.get_mut();
        #[cfg(unix)]
        {
            // Both are polled on every call, so each registers its waker; SIGINT wins a tie.
            if let Poll::Ready(Some(())) = this.interrupt.poll_recv(cx) {
                return Poll::Ready(Some(Signal::Interrupt));
            }
            if let Poll::Ready(Some(())) = this.terminate.poll_recv(cx) {
                return Poll::Ready(Some(Signal::Terminate));
            }
            Poll::Pending
        }
        #[cfg(not(unix))]
        {
            this.ctrl_c.poll_next_unpin(cx)
        }
    }
}

/// Stop requests from a script instead of the operating system: each `(at, signal)` is yielded
/// `at` after the stream is first polled, on tokio's clock; then the stream stays pending (it
/// never ends, so it never reads as "no stop source left").
///
/// Examples and tests use it to play a signal at an exact instant on the paused clock.
///
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// use production::{Signal, scripted_signals};
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let start = tokio::time::Instant::now();
/// let mut stops = scripted_signals(vec![(Duration::from_millis(500), Signal::Terminate)]);
/// assert_eq!(stops.next().await, Some(Signal::Terminate));
/// assert_eq!(start.elapsed(), Duration::from_millis(500));
/// # }
/// ```
pub fn scripted_signals(
    script: Vec<(Duration, Signal)>,
) -> impl Stream<Item = Signal> + Send + Unpin + 'static {
    let played = futures::stream::once(async move {
        let start = Instant::now();
        futures::stream::iter(script).then(move |(at, signal)| async move {
            sleep_until(start + at).await;
            signal
        })
    })
    .flatten();
    Box::pin(played.chain(futures::stream::pending()))
}

/// A job was refused: shutdown has begun.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("shutting down: no new jobs")]
pub struct Closed;

// ANCHOR: report
/// What a shutdown did to the jobs it found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "the report counts jobs that were aborted or panicked"]
pub struct ShutdownReport {
    /// Jobs that ran to the end (over the service's whole life).
    pub completed: usize,
    /// Jobs still running at the drain deadline (or at a forced exit), aborted: their indices,
    /// in increasing order.
    pub aborted: Vec<usize>,
    /// Jobs that panicked (over the service's whole life).
    pub panicked: usize,
    /// A second stop request cut the drain short.
    pub forced: bool,
    /// From the start of `shutdown` to its end, on tokio's clock.
    pub drain_time: Duration,
}
// ANCHOR_END: report

impl ShutdownReport {
    /// Every job ended by itself: none aborted, none panicked, not forced.
    pub fn is_clean(&self) -> bool {
        self.aborted.is_empty() && self.panicked == 0 && !self.forced
    }
}

impl fmt::Display for ShutdownReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} completed, {} aborted {:?}, {} panicked, {} after {:.2} s",
            self.completed,
            self.aborted.len(),
            self.aborted,
            self.panicked,
            if self.forced { "forced" } else { "drained" },
            // To 10 ms: on the real clock a drain ends a millisecond or so off its deadline, and
            // the report reads the same on both clocks.
            self.drain_time.as_secs_f64()
        )
    }
}

/// A service's shutdown switch and the jobs it waits for; see the [module docs](self).
///
/// Cheap to clone: clones share the token, the tracker and the counts, so the listener, every
/// connection and `main` hold the same switch. Dropping the last clone aborts every job still
/// running (each is dropped at its next `.await`), so nothing is detached; nothing reports
/// them then, so `shutdown` is how a service stops. (A job that holds a clone itself keeps the
/// switch, and so every job, alive.)
#[derive(Debug, Clone)]
#[must_use = "dropping the last handle aborts its jobs: call shutdown"]
pub struct Shutdown {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    drain_deadline: Duration,
    probes: Probes,
    // Cancelled by `close`: the listener stops accepting, long-lived connections go away.
    token: CancellationToken,
    tracker: TaskTracker,
    // Locked by `spawn` from its "closed?" check until the job is tracked, and by `close` while
    // it cancels the token: a job is either refused or tracked before the drain waits for the
    // tracker. Never held while user code runs or across an `.await`.
    gate: Mutex<()>,
    next_index: AtomicUsize,
    // What the jobs hold: not the `Inner`, so dropping the last handle drops it.
    jobs: Arc<Jobs>,
}

#[derive(Debug)]
struct Jobs {
    // Cancelled at the drain deadline, at a forced exit, or when the last handle is dropped:
    // every job still running is dropped.
    abort: CancellationToken,
    // A std mutex: locked for a push or a count, never across an `.await`.
    counts: Mutex<Counts>,
}

impl Drop for Inner {
    // The last handle is gone: no one can drain the jobs any more, so they are aborted.
    fn drop(&mut self) {
        self.jobs.abort.cancel();
    }
}

#[derive(Debug, Default)]
struct Counts {
    completed: usize,
    aborted: Vec<usize>,
    panicked: usize,
}

enum Ended {
    Completed,
    Aborted,
    Panicked,
}

impl Shutdown {
    /// A switch whose [`shutdown`](Shutdown::shutdown) waits at most `drain_deadline` for
    /// in-flight jobs; `probes` is moved to `Draining` by [`close`](Shutdown::close).
    ///
    /// # Errors
    /// [`ConfigError::Zero`] for a zero `drain_deadline` (to abort every job at once, say so
    /// with a short one), [`ConfigError::TooLong`] past [`config::MAX_DURATION`].
    pub fn new(drain_deadline: Duration, probes: Probes) -> Result<Shutdown, ConfigError> {
        let drain_deadline = config::duration("drain_deadline", drain_deadline)?;
        Ok(Shutdown {
            inner: Arc::new(Inner {
                drain_deadline,
                probes,
                token: CancellationToken::new(),
                tracker: TaskTracker::new(),
                gate: Mutex::new(()),
                next_index: AtomicUsize::new(0),
                jobs: Arc::new(Jobs {
                    abort: CancellationToken::new(),
                    counts: Mutex::new(Counts::default()),
                }),
            }),
        })
    }

    /// The app's token: cancelled by [`close`](Shutdown::close). The listener's accept loop and
    /// every long-lived connection select on `token.cancelled()`.
    pub fn token(&self) -> CancellationToken {
        self.inner.token.clone()
    }

    /// The probes this switch moves to `Draining`.
    pub fn probes(&self) -> &Probes {
        &self.inner.probes
    }

    /// Whether [`close`](Shutdown::close) has been called.
    pub fn is_closed(&self) -> bool {
        self.inner.token.is_cancelled()
    }

    // ANCHOR: spawn
    /// Spawns a job that shutdown waits for, and returns its index (0, 1, 2, ... in spawn order).
    ///
    /// `job` receives the app's token: a request ignores it and finishes (or is aborted at the
    /// deadline); a long-lived connection (a WebSocket, an SSE stream) selects on
    /// `token.cancelled()`, tells its client to go away and returns. A job that panics (or
    /// whose closure panics when called) is counted in the report as panicked; the panic goes
    /// no further.
    ///
    /// # Errors
    /// [`Closed`] once [`close`](Shutdown::close) has been called.
    ///
    /// # Panics
    /// Outside a tokio runtime, as [`tokio::spawn`] does.
    #[track_caller]
    pub fn spawn<F, Fut>(&self, job: F) -> Result<usize, Closed>
    where
        F: FnOnce(CancellationToken) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        // Checked and tracked under the gate `close` takes: once `close` has returned, every
        // `spawn` is refused, and a job accepted before it is tracked before the drain waits.
        let (index, tracked) = {
            let _gate = self
                .inner
                .gate
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if self.is_closed() {
                return Err(Closed);
            }
            let index = self.inner.next_index.fetch_add(1, Ordering::Relaxed);
            // Counts as a running job for `tracker.wait` until the job has recorded its end.
            (index, self.inner.tracker.token())
        };
        // A closure that panics before it returns a future is the job's panic too: it is
        // caught here and raised again inside the job, where it is counted.
        let work = match std::panic::catch_unwind(AssertUnwindSafe(|| job(self.token()))) {
            Ok(work) => futures::future::Either::Left(work),
            Err(payload) => {
                futures::future::Either::Right(async move { std::panic::resume_unwind(payload) })
            }
        };
        let jobs = Arc::clone(&self.inner.jobs);
        tokio::spawn(async move {
            let _tracked = tracked;
            let ended = tokio::select! {
                // The abort token is checked first, so a job aborted at the deadline is
                // counted as aborted even if it could also finish in the same poll.
                biased;
                () = jobs.abort.cancelled() => Ended::Aborted,
                outcome = AssertUnwindSafe(work).catch_unwind() => match outcome {
                    Ok(()) => Ended::Completed,
                    Err(_payload) => Ended::Panicked,
                },
            };
            let mut counts = jobs.counts.lock().unwrap_or_else(PoisonError::into_inner);
            match ended {
                Ended::Completed => counts.completed += 1,
                Ended::Aborted => counts.aborted.push(index),
                Ended::Panicked => counts.panicked += 1,
            }
            // `counts` is released, then `_tracked`: the end is recorded before the drain can
            // see the job gone.
        });
        Ok(index)
    }
    // ANCHOR_END: spawn

    // ANCHOR: close
    /// Begins shutdown, at once and without waiting: readiness fails first, then new jobs are
    /// refused and the app's token is cancelled (the listener stops accepting, long-lived
    /// connections are told to go away). Returns whether this call closed it.
    pub fn close(&self) -> bool {
        // Readiness goes first: a load balancer polling readiness must see "not ready" while
        // the listener is still answering, not after connections start being refused.
        self.inner.probes.begin_draining();
        // Under the gate: a `spawn` that found the switch open has tracked its job by now.
        let _gate = self
            .inner
            .gate
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if self.inner.token.is_cancelled() {
            return false;
        }
        self.inner.token.cancel();
        true
    }
    // ANCHOR_END: close

    /// Closes, waits for in-flight jobs until the drain deadline, aborts the rest and reports.
    ///
    /// The deadline is counted from this call. The probes end in `Stopped`.
    ///
    /// # Cancel safety
    /// Dropping the future leaves the service closed and its jobs running while a clone of
    /// the switch is left; a later `shutdown` on that clone still drains and reports them.
    /// (With no clone left, dropping the future drops the last handle: the jobs are aborted.)
    pub async fn shutdown(self) -> ShutdownReport {
        self.shutdown_or_force(std::future::pending::<()>()).await
    }

    // ANCHOR: shutdown
    /// [`shutdown`](Shutdown::shutdown), cut short when `force` completes first (a second
    /// signal): every job still running is aborted at that moment and the report says `forced`.
    ///
    /// # Cancel safety
    /// As [`shutdown`](Shutdown::shutdown).
    pub async fn shutdown_or_force(self, force: impl Future<Output = ()>) -> ShutdownReport {
        self.drain(force).await.0
    }

    async fn drain<F: Future>(self, force: F) -> (ShutdownReport, Option<F::Output>) {
        let start = Instant::now();
        self.close();
        let inner = &self.inner;
        // Closing the tracker lets `wait` finish once the jobs are done. The app's token was
        // cancelled first, so a job that waits for it (a long-lived connection) is already on
        // its way out and cannot deadlock the drain.
        // ANCHOR: graceful_shutdown_key
        inner.tracker.close();
        let deadline = start + inner.drain_deadline;
        let forced_by = tokio::select! {
            () = inner.tracker.wait() => None,
            () = sleep_until(deadline) => None,
            value = force => Some(value),
        };
        // Stragglers (and, when forced, everything) are dropped at their next `.await`: each
        // job's select sees the abort token first. Waiting again only lets them record it.
        inner.jobs.abort.cancel();
        inner.tracker.wait().await;
        // ANCHOR_END: graceful_shutdown_key
        inner.probes.mark_stopped();
        let mut counts = inner
            .jobs
            .counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        counts.aborted.sort_unstable();
        let report = ShutdownReport {
            completed: counts.completed,
            aborted: counts.aborted.clone(),
            panicked: counts.panicked,
            forced: forced_by.is_some(),
            drain_time: start.elapsed(),
        };
        (report, forced_by)
    }
    // ANCHOR_END: shutdown
}

/// How a service stopped: see [`serve_until_stopped`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "the report counts jobs that were aborted or panicked"]
pub struct Stopped {
    /// The first stop request (`None`: the stop source ended, or the service closed itself).
    pub by: Option<Signal>,
    /// The second stop request, when one cut the drain short.
    pub forced_by: Option<Signal>,
    /// What the drain did.
    pub report: ShutdownReport,
}

impl Stopped {
    /// The exit status `main` should end with: 0 after a drain (even one that aborted
    /// stragglers: they are in the report), the second signal's [`Signal::exit_code`] after a
    /// forced exit.
    pub fn exit_code(&self) -> i32 {
        self.forced_by.map_or(0, Signal::exit_code)
    }
}

// ANCHOR: serve_until_stopped
/// Waits for the first stop request (or for the service to [`close`](Shutdown::close) itself),
/// then shuts down; a second request forces the exit.
///
/// `stops` is [`signals`] in a service, [`scripted_signals`] in an example or test. A stream
/// that ends before any request counts as a request (no stop source is left).
///
/// # Cancel safety
/// Dropping the future before the first request loses nothing; after it, as
/// [`Shutdown::shutdown`].
pub async fn serve_until_stopped<S>(shutdown: Shutdown, mut stops: S) -> Stopped
where
    S: Stream<Item = Signal> + Unpin,
{
    let by = tokio::select! {
        by = stops.next() => by,
        // A part of the service asked to stop (a supervised task gave up, say).
        () = shutdown.inner.token.cancelled() => None,
    };
    let second = async {
        match stops.next().await {
            Some(signal) => signal,
            // No second request can come: never force.
            None => std::future::pending().await,
        }
    };
    let (report, forced_by) = shutdown.drain(second).await;
    Stopped {
        by,
        forced_by,
        report,
    }
}
// ANCHOR_END: serve_until_stopped
