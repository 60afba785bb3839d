//! The shutdown conformance harness: drive a service through a scripted lifecycle on tokio's
//! clock and record what happened, so a test can assert the whole shutdown sequence.
//!
//! A [`Script`] says what the outside world does and when: send a signal, open a request of a
//! given length, open a long-lived stream, poll the probes. [`run`] plays it against a service
//! (any `async fn(ServiceContext) -> i32`) and returns a [`Record`]: every [`Event`] with the
//! time it happened, ending with the exit code. [`reference_service`] is a service built from
//! this crate's parts ([`Lifespan`], [`Probes`], [`Shutdown`], [`Supervised`]) that the
//! conformance tests run; a service of your own can be played against the same scripts if it
//! logs the same events.
//!
//! On the paused clock a run takes no real time, and a service that never exits shows up as
//! [`Event::Hung`] after [`HUNG_AFTER`] of virtual time instead of hanging the test.
//!
//! The 16 scenarios, and what other Rust projects do for each: `docs/production.md`, section
//! *The conformance harness against other implementations*.
//!
//! ```
//! use std::time::Duration;
//! use production::conformance::{self, Event, ReferenceConfig, Script};
//! use production::Signal;
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let ms = Duration::from_millis;
//! let script = Script::new()
//!     .request(ms(100), ms(300))
//!     .signal(ms(200), Signal::Terminate);
//! let record = conformance::run(script, |ctx| {
//!     conformance::reference_service(ReferenceConfig::default(), ctx)
//! })
//! .await;
//! assert_eq!(record.time_of(|e| matches!(e, Event::Completed { id: 0 })), Some(ms(400)));
//! assert_eq!(record.exit_code(), Some(0));
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::{Stream, StreamExt as _};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep, sleep_until};

use crate::graceful_shutdown::{Shutdown, ShutdownReport, Signal, serve_until_stopped};
use crate::lifespan::{BoxError, Lifespan};
use crate::probes::{Phase, Probes};
use crate::supervision::{Exit, Supervised, SupervisorConfig};

/// How long (virtual time) [`run`] waits for a service to exit after the script's last step
/// before recording [`Event::Hung`]: one hour.
pub const HUNG_AFTER: Duration = Duration::from_secs(3600);

// ANCHOR: event
/// One thing that happened during a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The harness sent a stop request.
    SignalSent(Signal),
    /// The probes' phase changed, as seen by the harness's watcher on [`Probes::watch`]. A
    /// `watch` keeps only the latest value, so a phase that lasted no time (`Draining` when
    /// there was nothing to drain) may not appear.
    PhaseChanged(Phase),
    /// The harness polled the probes: whether each passed.
    Probed {
        /// The startup probe passed.
        startup: bool,
        /// The liveness probe passed.
        liveness: bool,
        /// The readiness probe passed.
        readiness: bool,
    },
    /// A lifespan step started.
    StepStarted(&'static str),
    /// A lifespan step failed to start.
    StepFailed(&'static str),
    /// A lifespan step was torn down (its teardown ran to the end).
    StepStopped(&'static str),
    /// Startup was abandoned: a stop request arrived first.
    StartupInterrupted,
    /// The lifespan completed: the service marked itself started.
    Ready,
    /// The service took request or stream `id`.
    Accepted {
        /// The request's number, from 0 in script order.
        id: usize,
    },
    /// Request or stream `id` was turned away: the listener had closed.
    Refused {
        /// The request's number.
        id: usize,
    },
    /// The listener stopped accepting. `readiness_failed`: the readiness probe already failed
    /// at that moment.
    ListenerClosed {
        /// Whether readiness already failed when the listener closed.
        readiness_failed: bool,
    },
    /// Request `id` ran to the end.
    Completed {
        /// The request's number.
        id: usize,
    },
    /// Long-lived stream `id` told its client to go away and ended.
    WentAway {
        /// The stream's number.
        id: usize,
    },
    /// Run `run` (from 1) of the supervised worker started.
    WorkerStarted {
        /// The run's number.
        run: u64,
    },
    /// The supervised worker reached its terminal state (its [`Exit`], as text).
    WorkerStopped(String),
    /// The drain ended with this report.
    Drained(ShutdownReport),
    /// The service returned this exit code.
    Exited(i32),
    /// The service had not exited [`HUNG_AFTER`] after the script ended.
    Hung,
}
// ANCHOR_END: event

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pass = |ok: bool| if ok { "pass" } else { "fail" };
        match self {
            Event::SignalSent(signal) => write!(f, "harness sends {signal}"),
            Event::PhaseChanged(phase) => write!(f, "phase: {phase}"),
            Event::Probed {
                startup,
                liveness,
                readiness,
            } => write!(
                f,
                "probes: startup {}, liveness {}, readiness {}",
                pass(*startup),
                pass(*liveness),
                pass(*readiness)
            ),
            Event::StepStarted(step) => write!(f, "started {step}"),
            Event::StepFailed(step) => write!(f, "{step} failed to start"),
            Event::StepStopped(step) => write!(f, "stopped {step}"),
            Event::StartupInterrupted => f.write_str("startup interrupted by a stop request"),
            Event::Ready => f.write_str("ready"),
            Event::Accepted { id } => write!(f, "accepted #{id}"),
            Event::Refused { id } => write!(f, "refused #{id}"),
            Event::ListenerClosed { readiness_failed } => write!(
                f,
                "listener closed (readiness already failing: {readiness_failed})"
            ),
            Event::Completed { id } => write!(f, "completed #{id}"),
            Event::WentAway { id } => write!(f, "stream #{id} told its client to go away"),
            Event::WorkerStarted { run } => write!(f, "worker run {run} started"),
            Event::WorkerStopped(exit) => write!(f, "worker {exit}"),
            Event::Drained(report) => write!(f, "drained: {report}"),
            Event::Exited(code) => write!(f, "exited with code {code}"),
            Event::Hung => write!(
                f,
                "still running {} s after the script",
                HUNG_AFTER.as_secs()
            ),
        }
    }
}

/// Where a service writes its events: cheap to clone, stamped with the time since the run began.
#[derive(Debug, Clone)]
pub struct Log {
    origin: Instant,
    // A std mutex: locked for one push or one copy, never across an `.await`.
    events: Arc<Mutex<Vec<(Duration, Event)>>>,
}

impl Log {
    /// An empty log whose stamps count from now.
    pub fn new() -> Log {
        Log {
            origin: Instant::now(),
            events: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Records `event` now.
    pub fn push(&self, event: Event) {
        let at = self.origin.elapsed();
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((at, event));
    }

    /// Everything recorded so far.
    pub fn record(&self) -> Record {
        Record {
            events: self
                .events
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }
}

impl Default for Log {
    fn default() -> Log {
        Log::new()
    }
}

/// What happened during a run, in order, each event with its time since the run began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The events, in the order they were recorded.
    pub events: Vec<(Duration, Event)>,
}

impl Record {
    /// The position of the first event that matches.
    pub fn position(&self, matches: impl Fn(&Event) -> bool) -> Option<usize> {
        self.events.iter().position(|(_, event)| matches(event))
    }

    /// The time of the first event that matches.
    pub fn time_of(&self, matches: impl Fn(&Event) -> bool) -> Option<Duration> {
        self.events
            .iter()
            .find(|(_, event)| matches(event))
            .map(|(at, _)| *at)
    }

    /// Every event that matches, in order.
    pub fn all(&self, matches: impl Fn(&Event) -> bool) -> Vec<&Event> {
        self.events
            .iter()
            .map(|(_, event)| event)
            .filter(|event| matches(event))
            .collect()
    }

    /// The service's exit code, when it exited.
    pub fn exit_code(&self) -> Option<i32> {
        self.events.iter().find_map(|(_, event)| match event {
            Event::Exited(code) => Some(*code),
            _ => None,
        })
    }

    /// The drain's report, when there was a drain.
    pub fn report(&self) -> Option<&ShutdownReport> {
        self.events.iter().find_map(|(_, event)| match event {
            Event::Drained(report) => Some(report),
            _ => None,
        })
    }

    /// One line per event: `[+1.000s] accepted #0`.
    pub fn lines(&self) -> Vec<String> {
        self.events
            .iter()
            .map(|(at, event)| format!("[+{}.{:03}s] {event}", at.as_secs(), at.subsec_millis()))
            .collect()
    }
}

/// What the outside world does to the service.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stimulus {
    Signal(Signal),
    Request(Duration),
    Stream,
    Probe,
}

// ANCHOR: script
/// A scripted lifecycle: what happens at which time since the run began.
///
/// Requests and streams are numbered from 0 in the order they are added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use = "a script does nothing until conformance::run plays it"]
pub struct Script {
    steps: Vec<(Duration, Stimulus)>,
}

impl Script {
    /// An empty script.
    pub fn new() -> Script {
        Script::default()
    }

    /// Sends `signal` at `at`.
    pub fn signal(mut self, at: Duration, signal: Signal) -> Script {
        self.steps.push((at, Stimulus::Signal(signal)));
        self
    }

    /// Opens a request at `at` that takes `work` to serve.
    pub fn request(mut self, at: Duration, work: Duration) -> Script {
        self.steps.push((at, Stimulus::Request(work)));
        self
    }

    /// Opens a long-lived stream (a WebSocket, an SSE feed) at `at`: it runs until the service
    /// tells it to go away.
    pub fn stream(mut self, at: Duration) -> Script {
        self.steps.push((at, Stimulus::Stream));
        self
    }

    /// Polls the startup, liveness and readiness probes at `at`.
    pub fn probe(mut self, at: Duration) -> Script {
        self.steps.push((at, Stimulus::Probe));
        self
    }
}
// ANCHOR_END: script

/// Work the harness hands the service's listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// A request that takes `work` to serve.
    Work {
        /// The request's number.
        id: usize,
        /// How long serving it takes.
        work: Duration,
    },
    /// A long-lived stream, open until told to go away.
    Stream {
        /// The stream's number.
        id: usize,
    },
}

impl Request {
    /// The request's number.
    pub fn id(&self) -> usize {
        match self {
            Request::Work { id, .. } | Request::Stream { id } => *id,
        }
    }
}

/// What the harness gives the service: its probes, its stop requests, its incoming requests
/// and the log to write events to.
#[must_use = "a service context does nothing until a service uses it"]
pub struct ServiceContext {
    /// The probes the harness polls.
    pub probes: Probes,
    /// Stop requests (scripted, or [`signals`](crate::signals) in a real process).
    pub stops: Pin<Box<dyn Stream<Item = Signal> + Send>>,
    /// Incoming requests; the channel closes when the harness has nothing more to send. A
    /// listener that drops it turns every later request into [`Event::Refused`].
    pub requests: mpsc::Receiver<Request>,
    /// Where the service records its events.
    pub log: Log,
}

impl fmt::Debug for ServiceContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceContext")
            .field("probes", &self.probes)
            .finish_non_exhaustive()
    }
}

impl ServiceContext {
    /// A context whose stop requests come from `stops`, plus the sender for its requests (a
    /// bounded channel of 64). For a service in a real process, driven by real signals.
    pub fn new(
        stops: impl Stream<Item = Signal> + Send + 'static,
        log: Log,
    ) -> (ServiceContext, mpsc::Sender<Request>) {
        let (requests_in, requests) = mpsc::channel(64);
        let context = ServiceContext {
            probes: Probes::new(),
            stops: Box::pin(stops),
            requests,
            log,
        };
        (context, requests_in)
    }
}

// ANCHOR: run
/// Plays `script` against `service` and returns everything that happened.
///
/// The service runs in its own task. Each step happens at its time (steps are sorted by time;
/// steps at one time keep their order). After the last step the harness closes the request
/// channel and waits for the service to exit, at most [`HUNG_AFTER`].
///
/// # Panics
/// When the service panics: the panic is re-raised here, so the test fails with it.
pub async fn run<F, Fut>(script: Script, service: F) -> Record
where
    F: FnOnce(ServiceContext) -> Fut,
    Fut: Future<Output = i32> + Send + 'static,
{
    let log = Log::new();
    let start = Instant::now();
    let (stops_in, stops) = mpsc::channel::<Signal>(8);
    let stops = futures::stream::unfold(stops, |mut stops| async move {
        let signal = stops.recv().await?;
        Some((signal, stops))
    });
    let (context, requests) = ServiceContext::new(stops, log.clone());
    let probes = context.probes.clone();
    let mut phases = probes.watch();
    let phase_log = log.clone();
    let watcher = tokio::spawn(async move {
        while phases.changed().await.is_ok() {
            let phase = *phases.borrow_and_update();
            phase_log.push(Event::PhaseChanged(phase));
        }
    });
    let mut task = tokio::spawn(service(context));

    let mut steps = script.steps;
    steps.sort_by_key(|(at, _)| *at);
    let mut next_id = 0;
    let mut exited = None;
    for (at, stimulus) in steps {
        if exited.is_none() {
            tokio::select! {
                biased;
                joined = &mut task => exited = Some(joined),
                () = sleep_until(start + at) => {}
            }
        }
        // The service may have exited early: the step still happens at its time.
        sleep_until(start + at).await;
        match stimulus {
            Stimulus::Signal(signal) => {
                log.push(Event::SignalSent(signal));
                // A full queue (8 unread requests) or a service that has exited: the
                // request is lost, as a signal to a dead process is.
                let _lost = stops_in.try_send(signal);
            }
            Stimulus::Request(work) => {
                let id = next_id;
                next_id += 1;
                if requests.try_send(Request::Work { id, work }).is_err() {
                    log.push(Event::Refused { id });
                }
            }
            Stimulus::Stream => {
                let id = next_id;
                next_id += 1;
                if requests.try_send(Request::Stream { id }).is_err() {
                    log.push(Event::Refused { id });
                }
            }
            Stimulus::Probe => log.push(Event::Probed {
                startup: probes.startup().is_ok(),
                liveness: probes.liveness().is_ok(),
                readiness: probes.readiness().is_ok(),
            }),
        }
    }
    drop(requests);
    let joined = match exited {
        Some(joined) => Some(joined),
        None => tokio::time::timeout(HUNG_AFTER, task).await.ok(),
    };
    match joined {
        Some(Ok(code)) => log.push(Event::Exited(code)),
        Some(Err(error)) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Some(Err(_)) | None => log.push(Event::Hung),
    }
    watcher.abort();
    log.record()
}
// ANCHOR_END: run

/// One lifespan step of the [`reference_service`], scripted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeStep {
    /// The step's name.
    pub name: &'static str,
    /// How long starting takes.
    pub start_takes: Duration,
    /// Starting fails (after `start_takes`).
    pub start_fails: bool,
    /// How long the teardown takes (longer than the teardown timeout: it hangs).
    pub stop_takes: Duration,
    /// The teardown fails (after `stop_takes`).
    pub stop_fails: bool,
}

impl FakeStep {
    /// A step that starts in `start_takes` and stops at once, both successfully.
    pub fn new(name: &'static str, start_takes: Duration) -> FakeStep {
        FakeStep {
            name,
            start_takes,
            start_fails: false,
            stop_takes: Duration::ZERO,
            stop_fails: false,
        }
    }
}

/// A supervised background worker of the [`reference_service`] that panics after a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeWorker {
    /// Each run panics this long after it starts.
    pub panics_after: Duration,
    /// How the supervisor handles it.
    pub supervisor: SupervisorConfig,
}

// ANCHOR: reference_config
/// The [`reference_service`]'s shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceConfig {
    /// The drain deadline.
    pub drain_deadline: Duration,
    /// Each teardown step's timeout.
    pub teardown_timeout: Duration,
    /// The lifespan steps, in start order.
    pub steps: Vec<FakeStep>,
    /// How often a long-lived stream sends an event.
    pub stream_period: Duration,
    /// A supervised worker, if any.
    pub worker: Option<FakeWorker>,
}
// ANCHOR_END: reference_config

impl Default for ReferenceConfig {
    /// A 1 s drain deadline, 1 s teardown timeouts, three steps (db pool, cache client, HTTP
    /// client) of 10 ms each, streams that send every 100 ms, no worker.
    fn default() -> ReferenceConfig {
        let ms = Duration::from_millis;
        ReferenceConfig {
            drain_deadline: ms(1000),
            teardown_timeout: ms(1000),
            steps: vec![
                FakeStep::new("db pool", ms(10)),
                FakeStep::new("cache client", ms(10)),
                FakeStep::new("http client", ms(10)),
            ],
            stream_period: ms(100),
            worker: None,
        }
    }
}

impl ReferenceConfig {
    /// The [`Default`] with each of the three steps taking 100 ms to start, so startup takes
    /// 0.3 s: long enough to probe or signal in the middle of it.
    pub fn slow_startup() -> ReferenceConfig {
        let ms = Duration::from_millis;
        ReferenceConfig {
            steps: vec![
                FakeStep::new("db pool", ms(100)),
                FakeStep::new("cache client", ms(100)),
                FakeStep::new("http client", ms(100)),
            ],
            ..ReferenceConfig::default()
        }
    }
}

/// The step failed on purpose (the [`FakeStep`] said so).
#[derive(Debug, thiserror::Error)]
#[error("{0} refused (scripted)")]
struct Scripted(&'static str);

// ANCHOR: reference_service
/// A service built from this crate's parts, logging every [`Event`] the conformance tests
/// assert on; returns its exit code.
///
/// 1. Starts the lifespan steps in order, racing the first stop request: a request during
///    startup abandons it and tears down what started (exit 0); a step that fails tears down
///    the steps before it (exit 1).
/// 2. Marks itself started, then serves: a listener task accepts requests and streams as
///    [`Shutdown`] jobs until the app's token is cancelled. A supervised worker, if any, runs
///    beside it; when it stops for good the service closes itself.
/// 3. On the first stop request, [`serve_until_stopped`] drains under the deadline; a second
///    request forces the exit (code 128 + signal, no teardown).
/// 4. Tears the lifespan down in reverse (exit 1 if a teardown failed, else 0).
///
/// # Errors
/// None: every outcome is an exit code and events in the log.
///
/// # Panics
/// When `config` holds a zero drain deadline or teardown timeout (a test's mistake).
pub async fn reference_service(config: ReferenceConfig, context: ServiceContext) -> i32 {
    let ServiceContext {
        probes,
        mut stops,
        requests,
        log,
    } = context;
    let mut lifespan =
        Lifespan::new(config.teardown_timeout).expect("a test gives a non-zero teardown timeout");

    // 1. Start, racing the first stop request.
    let interrupted = {
        let startup = start_all(&mut lifespan, &config.steps, &log);
        tokio::select! {
            started = startup => match started {
                Ok(()) => false,
                Err(_failed) => return 1,
            },
            _stop = stops.next() => true,
        }
    };
    if interrupted {
        log.push(Event::StartupInterrupted);
        probes.begin_draining();
        let torn_down = lifespan.shutdown().await;
        probes.mark_stopped();
        return i32::from(torn_down.is_err());
    }
    probes.mark_started();
    log.push(Event::Ready);

    // 2. Serve.
    let shutdown = Shutdown::new(config.drain_deadline, probes)
        .expect("a test gives a non-zero drain deadline");
    let listener = tokio::spawn(listen(
        shutdown.clone(),
        requests,
        log.clone(),
        config.stream_period,
    ));
    let worker = config
        .worker
        .map(|worker| tokio::spawn(supervise_worker(worker, shutdown.clone(), log.clone())));

    // 3. Drain.
    let stopped = serve_until_stopped(shutdown, stops).await;
    log.push(Event::Drained(stopped.report.clone()));
    if let Some(worker) = worker {
        worker.abort();
    }
    if stopped.forced_by.is_some() {
        // Exit at once: no teardown, as a process that calls `std::process::exit` here would.
        listener.abort();
        return stopped.exit_code();
    }
    // The listener ended when the token was cancelled; joining it only confirms that.
    let _listener_done = listener.await;

    // 4. Tear down.
    i32::from(lifespan.shutdown().await.is_err())
}
// ANCHOR_END: reference_service

async fn start_all(
    lifespan: &mut Lifespan,
    steps: &[FakeStep],
    log: &Log,
) -> Result<(), crate::StartFailed> {
    for step in steps.iter().cloned() {
        let log_start = log.clone();
        let log_stop = log.clone();
        let start = async move {
            sleep(step.start_takes).await;
            if step.start_fails {
                log_start.push(Event::StepFailed(step.name));
                return Err(Scripted(step.name));
            }
            log_start.push(Event::StepStarted(step.name));
            Ok(step.name)
        };
        let stop = move |name: &'static str| async move {
            sleep(step.stop_takes).await;
            if step.stop_fails {
                return Err::<(), BoxError>(Box::new(Scripted(name)));
            }
            log_stop.push(Event::StepStopped(name));
            Ok(())
        };
        lifespan.start(step.name, start, stop).await?;
    }
    Ok(())
}

// ANCHOR: listen
async fn listen(
    shutdown: Shutdown,
    mut requests: mpsc::Receiver<Request>,
    log: Log,
    stream_period: Duration,
) {
    let token = shutdown.token();
    loop {
        let request = tokio::select! {
            biased;
            () = token.cancelled() => break,
            request = requests.recv() => match request {
                Some(request) => request,
                None => {
                    // Nothing more will come; wait for the stop like a real listener would.
                    token.cancelled().await;
                    break;
                }
            },
        };
        let id = request.id();
        let job_log = log.clone();
        let accepted = match request {
            Request::Work { work, .. } => shutdown.spawn(move |_token| async move {
                sleep(work).await;
                job_log.push(Event::Completed { id });
            }),
            Request::Stream { .. } => shutdown.spawn(move |token| async move {
                loop {
                    tokio::select! {
                        () = token.cancelled() => break,
                        () = sleep(stream_period) => {} // an event to the client
                    }
                }
                // A goodbye frame (WebSocket close, SSE `event: shutdown`), then return.
                job_log.push(Event::WentAway { id });
            }),
        };
        log.push(match accepted {
            Ok(_index) => Event::Accepted { id },
            Err(_closed) => Event::Refused { id },
        });
    }
    // Readiness was turned off by `close` before the token was cancelled.
    log.push(Event::ListenerClosed {
        readiness_failed: shutdown.probes().readiness().is_err(),
    });
    // Dropping the receiver refuses every later request.
    drop(requests);
}
// ANCHOR_END: listen

async fn supervise_worker(worker: FakeWorker, shutdown: Shutdown, log: Log) {
    let run_log = log.clone();
    let mut run = 0;
    let panics_after = worker.panics_after;
    let supervised = Supervised::<BoxError>::spawn(worker.supervisor.clone(), move || {
        run += 1;
        run_log.push(Event::WorkerStarted { run });
        async move {
            sleep(panics_after).await;
            panic!("worker crashed");
        }
    });
    let Ok(supervised) = supervised else {
        log.push(Event::WorkerStopped("refused its configuration".to_owned()));
        return;
    };
    let exit = supervised.join().await;
    log.push(Event::WorkerStopped(exit.to_string()));
    if matches!(exit, Exit::PanicStopped { .. } | Exit::GaveUp { .. }) {
        // A background task the service cannot run without is gone: stop the service.
        shutdown.close();
    }
}
