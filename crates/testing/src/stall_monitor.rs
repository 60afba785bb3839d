//! A runtime stall monitor: notices a blocked runtime the way asyncio's debug mode logs a slow
//! callback, and says where.
//!
//! A task that calls blocking code (`std::thread::sleep`, std I/O, a long computation) between
//! two `.await`s keeps its worker thread from running anything else. Nothing fails; everything
//! on that thread just waits. [`StallMonitor`] watches from a thread of its own, on
//! [`std::time::Instant`] (on a paused tokio clock, tokio's time does not move during a blocking
//! call, so tokio's clock cannot see a stall), with three detectors:
//!
//! | detector | sees | names | needs |
//! |---|---|---|---|
//! | slow poll | one poll of an instrumented task longer than the threshold | the task | [`StallMonitor::instrument`] around the task's future |
//! | busy worker | a runtime thread that has not parked for longer than the threshold | the worker (number and thread name) | [`StallMonitor::attach`] on the runtime's `Builder` |
//! | probe lag | a probe task spawned on the runtime not started within the threshold | the runtime | [`StallMonitor::watch`] with the runtime's `Handle` |
//!
//! A probe alone misses one blocked worker of a multi-thread runtime, because another worker
//! runs the probe; the busy-worker detector sees it. A busy stretch is "time since the worker
//! last parked", so a worker that runs many short polls back to back without ever idling for
//! longer than the threshold (a CPU-bound burst) is reported too: it is not blocked, but nothing
//! else queued behind it gets that thread either. Only the slow-poll detector says "one poll
//! was long", and only for instrumented tasks.
//!
//! # Examples
//! In a test, on a runtime built with the monitor (with a threshold above the scheduling delays
//! of a loaded CI machine, which the monitor cannot tell from a block):
//! ```
//! use std::time::Duration;
//! use testing::stall_monitor::{StallConfig, StallMonitor};
//!
//! let config = StallConfig {
//!     threshold: Duration::from_millis(100),
//!     ..StallConfig::default()
//! };
//! let monitor = StallMonitor::start(config)?;
//! let runtime = monitor.build_runtime(&mut tokio::runtime::Builder::new_current_thread())?;
//! runtime.block_on(monitor.instrument("handler", async {
//!     tokio::task::yield_now().await; // quick polls only
//! }));
//! monitor.assert_no_stall();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! In a service, with a callback that logs each report as it is found:
//! ```
//! use testing::stall_monitor::{StallConfig, StallMonitor};
//!
//! let monitor = StallMonitor::start_with_callback(StallConfig::default(), |stall| {
//!     eprintln!("stall: {stall}"); // a service would log or count it
//! })?;
//! let mut builder = tokio::runtime::Builder::new_multi_thread();
//! let runtime = monitor.build_runtime(builder.worker_threads(2).enable_all())?;
//! runtime.block_on(async { /* serve */ });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use basics::config::ConfigError;

/// The environment variable that turns the monitor on inside
/// [`run_example`](crate::run_example): `1` attaches a [`StallMonitor`] with the default
/// configuration, and an example that stalled ends with a panic listing the reports (on
/// stderr; stdout, the transcript, is unchanged).
pub const STALLS_ENV: &str = "TRANSCRIPT_STALLS";

/// When a stretch counts as a stall, and how often the monitor looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StallConfig {
    /// A poll, busy stretch or probe wait longer than this is a stall.
    pub threshold: Duration,
    /// How often the watchdog thread looks at the runtime; a stall is reported at most
    /// `threshold + check_every` after it began (plus the operating system's scheduling delay).
    pub check_every: Duration,
}

impl Default for StallConfig {
    /// A threshold of 40 ms checked every 5 ms: a 50 ms block is reported about 45 ms after it
    /// starts. (asyncio's debug mode logs callbacks slower than 100 ms.)
    fn default() -> StallConfig {
        StallConfig {
            threshold: Duration::from_millis(40),
            check_every: Duration::from_millis(5),
        }
    }
}

/// The longest threshold or check period a [`StallConfig`] may have.
pub const MAX_PERIOD: Duration = Duration::from_secs(3_600);

/// Checks a threshold or check period: at least 1 ms (the watchdog's resolution) and at most
/// [`MAX_PERIOD`].
fn period(name: &'static str, value: Duration) -> Result<Duration, ConfigError> {
    if value.is_zero() {
        Err(ConfigError::Zero { name })
    } else if value < Duration::from_millis(1) {
        Err(ConfigError::Invalid {
            name,
            reason: "must be at least 1 ms",
        })
    } else if value > MAX_PERIOD {
        Err(ConfigError::TooLong {
            name,
            value,
            max: MAX_PERIOD,
        })
    } else {
        Ok(value)
    }
}

/// One stall the monitor saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stall {
    /// One poll of an instrumented task ran longer than the threshold.
    SlowPoll {
        /// The name given to [`StallMonitor::instrument`].
        task: String,
        /// How long the poll had lasted when it was seen (at least the threshold; the whole
        /// poll when it was seen at its end).
        lasted: Duration,
    },
    /// A runtime thread went longer than the threshold without parking.
    WorkerBusy {
        /// The worker's number: the order in which this monitor first saw the runtime's
        /// threads, from 0.
        worker: usize,
        /// The thread's name (`tokio-rt-worker` for tokio's workers).
        thread: String,
        /// How long the thread had been busy when it was seen.
        lasted: Duration,
    },
    /// A probe task spawned on the runtime waited longer than the threshold to start.
    Starved {
        /// How long the probe had waited when it was seen.
        lag: Duration,
    },
}

impl fmt::Display for Stall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stall::SlowPoll { task, lasted } => {
                write!(
                    f,
                    "task `{task}` blocked its thread for {} ms in one poll",
                    lasted.as_millis()
                )
            }
            Stall::WorkerBusy {
                worker,
                thread,
                lasted,
            } => write!(
                f,
                "worker {worker} ({thread}) busy for {} ms without parking",
                lasted.as_millis()
            ),
            Stall::Starved { lag } => {
                write!(
                    f,
                    "runtime starved: a probe waited {} ms to start",
                    lag.as_millis()
                )
            }
        }
    }
}

/// The stalls a monitor saw, as an error for a test to return or unwrap.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} stall(s): {}", .reports.len(), list(.reports))]
pub struct Stalled {
    /// Every report, in the order found.
    pub reports: Vec<Stall>,
}

fn list(reports: &[Stall]) -> String {
    reports
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

type Callback = Box<dyn Fn(&Stall) + Send + Sync>;

/// The watchdog: see the [module docs](self). Clones share one monitor; when the last clone is
/// dropped the watchdog thread stops after the look in progress, if any (its wait between two
/// looks ends when the last handle goes).
#[derive(Clone)]
#[must_use = "dropping the last handle stops the watchdog"]
pub struct StallMonitor {
    inner: Arc<Inner>,
    // Only the handles hold the sender: the runtime hooks and instrumented futures hold `inner`
    // alone, so they do not keep the watchdog alive.
    _stop: Arc<mpsc::Sender<()>>,
}

impl fmt::Debug for StallMonitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StallMonitor")
            .field("config", &self.inner.config)
            .field("reports", &lock(&self.inner.reports).len())
            .finish_non_exhaustive()
    }
}

struct Inner {
    id: u64,
    config: StallConfig,
    epoch: Instant,
    workers: Mutex<Vec<Arc<WorkerSlot>>>,
    polls: Mutex<Vec<Arc<PollSlot>>>,
    probe: Mutex<Option<tokio::runtime::Handle>>,
    probe_slot: Arc<Stretch>,
    reports: Mutex<Vec<Stall>>,
    callback: Option<Callback>,
}

/// A stretch of time that may become a stall: when it began (nanoseconds since the monitor's
/// epoch, plus one; 0 means "not running") and whether it was reported already.
#[derive(Default)]
struct Stretch {
    since: AtomicU64,
    reported: AtomicBool,
}

struct WorkerSlot {
    worker: usize,
    thread: String,
    busy: Stretch,
}

/// The poll in progress on one runtime thread (a thread polls one task at a time), so the
/// watchdog scans one slot per thread, not one per task.
struct PollSlot {
    task: Mutex<Arc<str>>,
    poll: Stretch,
}

// Every lock here guards a push, a copy or a scan, never an `.await`, and the data stays whole
// at every point a panic could happen, so poison is ignored.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    // The slot of this thread in each monitor attached to its runtime, by monitor id.
    static WORKER_SLOTS: RefCell<Vec<(u64, Arc<WorkerSlot>)>> = const { RefCell::new(Vec::new()) };
    // The slot of this thread's poll in progress in each monitor, by monitor id.
    static POLL_SLOTS: RefCell<Vec<(u64, Arc<PollSlot>)>> = const { RefCell::new(Vec::new()) };
}

impl StallMonitor {
    /// Starts the watchdog thread. Nothing is watched until [`attach`](StallMonitor::attach),
    /// [`watch`](StallMonitor::watch) or [`instrument`](StallMonitor::instrument).
    ///
    /// # Errors
    /// [`ConfigError`] (the workspace's one configuration error, from `basics`) naming
    /// `threshold` or `check_every`: [`ConfigError::Zero`] for zero,
    /// [`ConfigError::Invalid`] under 1 ms, [`ConfigError::TooLong`] over [`MAX_PERIOD`].
    ///
    /// # Panics
    /// When the operating system refuses a thread.
    pub fn start(config: StallConfig) -> Result<StallMonitor, ConfigError> {
        StallMonitor::start_inner(config, None)
    }

    /// As [`start`](StallMonitor::start), and calls `callback` with each stall when it is found:
    /// from the watchdog thread while the stall lasts, or from a runtime thread when a stall the
    /// watchdog had not reported yet ends there (an instrumented poll returns, a busy worker
    /// parks, a late probe starts). The hook for a service's log or metrics; it should be quick,
    /// since it may run on a runtime thread.
    ///
    /// # Errors
    /// As [`start`](StallMonitor::start).
    pub fn start_with_callback(
        config: StallConfig,
        callback: impl Fn(&Stall) + Send + Sync + 'static,
    ) -> Result<StallMonitor, ConfigError> {
        StallMonitor::start_inner(config, Some(Box::new(callback)))
    }

    fn start_inner(
        config: StallConfig,
        callback: Option<Callback>,
    ) -> Result<StallMonitor, ConfigError> {
        period("threshold", config.threshold)?;
        period("check_every", config.check_every)?;
        let inner = Arc::new(Inner {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            config,
            epoch: Instant::now(),
            workers: Mutex::new(Vec::new()),
            polls: Mutex::new(Vec::new()),
            probe: Mutex::new(None),
            probe_slot: Arc::new(Stretch::default()),
            reports: Mutex::new(Vec::new()),
            callback,
        });
        let (stop, stopped) = mpsc::channel::<()>();
        let watched = Arc::clone(&inner);
        std::thread::Builder::new()
            .name("stall-monitor".into())
            .spawn(move || {
                // `recv_timeout` is the watchdog's tick and its stop signal at once: it returns
                // `Disconnected` when the last `StallMonitor` handle is dropped.
                while let Err(mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(watched.config.check_every)
                {
                    watched.check_now();
                }
            })
            .expect("the OS lets the stall monitor start its thread");
        Ok(StallMonitor {
            inner,
            _stop: Arc::new(stop),
        })
    }

    /// The configuration.
    pub fn config(&self) -> StallConfig {
        self.inner.config
    }

    /// Adds the busy-worker detector to a runtime about to be built: `on_thread_unpark` marks a
    /// thread busy, `on_thread_park` marks it idle. This replaces any park hooks set on
    /// `builder` before.
    ///
    /// A thread is watched from its first park on: work it runs before it ever idled (a
    /// `current_thread` runtime's first turn of `block_on`, a worker that found a task waiting
    /// when it started) is seen only by the probe and by instrumented tasks.
    /// [`build_runtime`](StallMonitor::build_runtime) waits for a new multi-thread runtime's
    /// workers to park once before it returns.
    pub fn attach<'b>(
        &self,
        builder: &'b mut tokio::runtime::Builder,
    ) -> &'b mut tokio::runtime::Builder {
        let (unpark, park) = (Arc::clone(&self.inner), Arc::clone(&self.inner));
        builder
            .on_thread_unpark(move || unpark.worker_slot().busy.begin(unpark.now()))
            .on_thread_park(move || {
                let slot = park.worker_slot();
                if let Some(lasted) = slot.busy.end(park.now(), park.config.threshold) {
                    park.report(Stall::WorkerBusy {
                        worker: slot.worker,
                        thread: slot.thread.clone(),
                        lasted,
                    });
                }
            })
    }

    /// Adds the probe detector for the runtime of `handle`: at each look (every `check_every`)
    /// with no probe waiting, the watchdog spawns a tiny task there; a probe that has not
    /// started within the threshold is reported (by the watchdog while it waits, or by the probe
    /// when it starts). It samples: a probe spawned during a starvation sees only the part
    /// after its spawn, so a starvation up to `check_every` (plus the watchdog's scheduling
    /// delay) longer than the threshold can go unreported by this detector. Watching another runtime replaces
    /// this one.
    pub fn watch(&self, handle: tokio::runtime::Handle) {
        *lock(&self.inner.probe) = Some(handle);
    }

    /// [`attach`](StallMonitor::attach)es to `builder`, builds the runtime, and
    /// [`watch`](StallMonitor::watch)es it. For a multi-thread runtime it then waits (at most
    /// 1 s: on a loaded machine a new thread may take a while to run) until each worker has
    /// parked once, so that every worker is watched from the first task on.
    ///
    /// # Errors
    /// The builder's error.
    pub fn build_runtime(
        &self,
        builder: &mut tokio::runtime::Builder,
    ) -> std::io::Result<tokio::runtime::Runtime> {
        let runtime = self.attach(builder).build()?;
        self.watch(runtime.handle().clone());
        if runtime.handle().runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
            let workers = runtime.metrics().num_workers();
            let (_keep, never) = mpsc::channel::<()>();
            for _ in 0..1_000 {
                if lock(&self.inner.workers).len() >= workers {
                    break;
                }
                // A 1 ms pause of this (non-runtime) thread: idle workers park within it.
                let _ = never.recv_timeout(Duration::from_millis(1));
            }
        }
        Ok(runtime)
    }

    /// Wraps `future` so that every poll of it is timed; a poll longer than the threshold is
    /// reported as [`Stall::SlowPoll`] naming `task`, while it is still running (by the
    /// watchdog) or when it ends.
    pub fn instrument<F: Future>(&self, task: impl Into<String>, future: F) -> Instrumented<F> {
        Instrumented {
            future: Box::pin(future),
            task: Arc::from(task.into()),
            monitor: Arc::clone(&self.inner),
        }
    }

    /// Every stall reported so far, in the order found.
    pub fn reports(&self) -> Vec<Stall> {
        lock(&self.inner.reports).clone()
    }

    /// `Ok` when nothing stalled so far.
    ///
    /// # Errors
    /// [`Stalled`] with every report.
    pub fn check(&self) -> Result<(), Stalled> {
        let reports = self.reports();
        if reports.is_empty() {
            Ok(())
        } else {
            Err(Stalled { reports })
        }
    }

    /// Panics, listing every report, when anything stalled so far: the one line a test ends
    /// with.
    ///
    /// # Panics
    /// When there is at least one report.
    #[track_caller]
    pub fn assert_no_stall(&self) {
        if let Err(stalled) = self.check() {
            panic!("{stalled}");
        }
    }
}

impl Inner {
    fn now(&self) -> u64 {
        // Plus one so that 0 can mean "not running"; u64 nanoseconds last 584 years.
        u64::try_from(self.epoch.elapsed().as_nanos())
            .unwrap_or(u64::MAX - 1)
            .saturating_add(1)
    }

    fn report(&self, stall: Stall) {
        if let Some(callback) = &self.callback {
            callback(&stall);
        }
        lock(&self.reports).push(stall);
    }

    /// This thread's slot, created the first time a hook runs on it.
    fn worker_slot(&self) -> Arc<WorkerSlot> {
        WORKER_SLOTS.with(|slots| {
            let mut slots = slots.borrow_mut();
            if let Some((_, slot)) = slots.iter().find(|(id, _)| *id == self.id) {
                return Arc::clone(slot);
            }
            let mut workers = lock(&self.workers);
            let slot = Arc::new(WorkerSlot {
                worker: workers.len(),
                thread: std::thread::current()
                    .name()
                    .unwrap_or("unnamed")
                    .to_owned(),
                busy: Stretch::default(),
            });
            workers.push(Arc::clone(&slot));
            slots.push((self.id, Arc::clone(&slot)));
            slot
        })
    }

    /// This thread's poll slot, created the first time an instrumented task is polled on it.
    fn poll_slot(&self) -> Arc<PollSlot> {
        POLL_SLOTS.with(|slots| {
            let mut slots = slots.borrow_mut();
            if let Some((_, slot)) = slots.iter().find(|(id, _)| *id == self.id) {
                return Arc::clone(slot);
            }
            let slot = Arc::new(PollSlot {
                task: Mutex::new(Arc::from("")),
                poll: Stretch::default(),
            });
            lock(&self.polls).push(Arc::clone(&slot));
            slots.push((self.id, Arc::clone(&slot)));
            slot
        })
    }

    /// One look by the watchdog thread at every detector.
    fn check_now(self: &Arc<Inner>) {
        let now = self.now();
        let threshold = self.config.threshold;
        let workers: Vec<Arc<WorkerSlot>> = lock(&self.workers).clone();
        for slot in workers {
            if let Some(lasted) = slot.busy.overdue(now, threshold) {
                self.report(Stall::WorkerBusy {
                    worker: slot.worker,
                    thread: slot.thread.clone(),
                    lasted,
                });
            }
        }
        let polls: Vec<Arc<PollSlot>> = lock(&self.polls).clone();
        for slot in polls {
            if let Some(lasted) = slot.poll.overdue(now, threshold) {
                self.report(Stall::SlowPoll {
                    task: lock(&slot.task).to_string(),
                    lasted,
                });
            }
        }
        self.probe(now);
    }

    fn probe(self: &Arc<Inner>, now: u64) {
        let Some(handle) = lock(&self.probe).clone() else {
            return;
        };
        let slot = &self.probe_slot;
        if slot.since.load(Ordering::Acquire) != 0 {
            if let Some(lag) = slot.overdue(now, self.config.threshold) {
                self.report(Stall::Starved { lag });
            }
            return;
        }
        slot.begin(now);
        // When the probe runs, it ends its stretch and reports a lag past the threshold that
        // the watchdog has not reported yet (a starvation that ended between two looks). A probe
        // dropped unrun (the runtime shut down) only ends the stretch: a runtime that is gone is
        // not "starved".
        let guard = ProbeGuard {
            slot: Arc::clone(slot),
            monitor: Arc::downgrade(self),
        };
        drop(handle.spawn(async move { guard.started() }));
    }
}

struct ProbeGuard {
    slot: Arc<Stretch>,
    // Weak: a probe waiting in a runtime's queue does not keep the monitor alive.
    monitor: std::sync::Weak<Inner>,
}

impl ProbeGuard {
    fn started(self) {
        if let Some(monitor) = self.monitor.upgrade()
            && let Some(lag) = self.slot.end(monitor.now(), monitor.config.threshold)
        {
            monitor.report(Stall::Starved { lag });
        }
    }
}

impl Drop for ProbeGuard {
    fn drop(&mut self) {
        self.slot.since.store(0, Ordering::Release);
    }
}

impl Stretch {
    fn begin(&self, now: u64) {
        self.reported.store(false, Ordering::Relaxed);
        self.since.store(now, Ordering::Release);
    }

    /// Ends the stretch; its length when it passed `threshold` and the watchdog has not
    /// reported it yet.
    fn end(&self, now: u64, threshold: Duration) -> Option<Duration> {
        let since = self.since.swap(0, Ordering::AcqRel);
        let lasted = Duration::from_nanos(now.saturating_sub(since));
        (since != 0 && lasted > threshold && !self.reported.swap(true, Ordering::AcqRel))
            .then_some(lasted)
    }

    /// The watchdog's view: the stretch's length so far when it is running, past `threshold`
    /// and not reported yet (it is then marked reported).
    fn overdue(&self, now: u64, threshold: Duration) -> Option<Duration> {
        let since = self.since.load(Ordering::Acquire);
        let lasted = Duration::from_nanos(now.saturating_sub(since));
        if since == 0 || lasted <= threshold || self.reported.load(Ordering::Relaxed) {
            return None;
        }
        // Still the same stretch (the thread did not park and start another meanwhile)?
        (self.since.load(Ordering::Acquire) == since && !self.reported.swap(true, Ordering::AcqRel))
            .then_some(lasted)
    }
}

/// A future whose polls a [`StallMonitor`] times; see [`StallMonitor::instrument`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Instrumented<F> {
    // Boxed so that this crate needs no pin projection (and no `unsafe`): one allocation per
    // instrumented task.
    future: Pin<Box<F>>,
    task: Arc<str>,
    monitor: Arc<Inner>,
}

impl<F> fmt::Debug for Instrumented<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Instrumented")
            .field("task", &self.task)
            .finish_non_exhaustive()
    }
}

impl<F: Future> Future for Instrumented<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let slot = this.monitor.poll_slot();
        // An instrumented future polled inside another one on this thread takes the slot for
        // its poll and gives it back after.
        let outer_since = slot.poll.since.load(Ordering::Acquire);
        let outer_task = std::mem::replace(&mut *lock(&slot.task), Arc::clone(&this.task));
        slot.poll.begin(this.monitor.now());
        let outcome = this.future.as_mut().poll(cx);
        if let Some(lasted) = slot
            .poll
            .end(this.monitor.now(), this.monitor.config.threshold)
        {
            this.monitor.report(Stall::SlowPoll {
                task: this.task.to_string(),
                lasted,
            });
        }
        *lock(&slot.task) = outer_task;
        if outer_since != 0 {
            slot.poll.since.store(outer_since, Ordering::Release);
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_out_of_range_is_a_config_error_naming_the_field() {
        let with_threshold = |threshold| StallConfig {
            threshold,
            ..StallConfig::default()
        };
        let refused = |config| StallMonitor::start(config).expect_err("refused");
        assert_eq!(
            refused(with_threshold(Duration::ZERO)),
            ConfigError::Zero { name: "threshold" }
        );
        assert!(matches!(
            refused(with_threshold(Duration::from_micros(999))),
            ConfigError::Invalid {
                name: "threshold",
                ..
            }
        ));
        assert_eq!(
            refused(StallConfig {
                check_every: Duration::MAX,
                ..StallConfig::default()
            }),
            ConfigError::TooLong {
                name: "check_every",
                value: Duration::MAX,
                max: MAX_PERIOD
            }
        );
        assert!(StallMonitor::start(with_threshold(Duration::from_millis(1))).is_ok());
        assert!(StallMonitor::start(with_threshold(MAX_PERIOD)).is_ok());
    }

    #[test]
    fn a_stretch_is_reported_once() {
        let stretch = Stretch::default();
        let threshold = Duration::from_millis(10);
        stretch.begin(1);
        assert_eq!(stretch.overdue(5_000_000, threshold), None);
        assert_eq!(
            stretch.overdue(20_000_001, threshold),
            Some(Duration::from_millis(20))
        );
        assert_eq!(stretch.overdue(30_000_001, threshold), None);
        assert_eq!(stretch.end(40_000_001, threshold), None);
    }

    #[test]
    fn reports_read_as_sentences() {
        let stall = Stall::WorkerBusy {
            worker: 1,
            thread: "tokio-rt-worker".into(),
            lasted: Duration::from_millis(52),
        };
        assert_eq!(
            stall.to_string(),
            "worker 1 (tokio-rt-worker) busy for 52 ms without parking"
        );
    }
}
