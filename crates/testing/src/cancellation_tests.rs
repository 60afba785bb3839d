//! Cancellation tests: drop a future at a chosen `.await` and check what its cleanup left behind,
//! or let [`cancel_at_every_await`] try every `.await` in turn.
//!
//! In asyncio a task is cancelled by `task.cancel()`, which raises `CancelledError` at its
//! current `await`; the coroutine can catch it, run `finally:` blocks and even refuse. In tokio
//! a future is cancelled by being dropped: it stops at the `.await` where it was parked, its
//! locals are dropped (their `Drop` is the only cleanup that runs), and nothing after that
//! `.await` ever runs. A test of cancellation is therefore "stop it there, then look at the
//! state": the [`Bank`] here loses money when a transfer is dropped between its debit and its
//! credit ([`Bank::transfer_naive`]) and loses nothing with [`Bank::transfer`].
//!
//! [`cancel_at_every_await`] automates the search. For k = 0, 1, 2, … it builds a fresh future,
//! polls it k times (between two polls it waits until the future is woken, so on a paused clock
//! the runtime jumps to the future's next timer), drops it, lets the runtime run what the drop
//! started, and checks an invariant; it stops after the first k at which the future completes,
//! and checks the invariant then too. A future with n `.await`s that really wait is cut at
//! each of them. A future that is pending and kept no waker (`std::future::pending()`, a
//! hand-written future that forgot to store `cx.waker()`) can never be woken: the harness
//! reports it at once ([`CancelFailure::NeverWoken`]).
//!
//! The lesson: `docs/testing.md`, section *Cancellation tests*.

use std::fmt;
use std::future::{Future, poll_fn};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use tokio::time::Instant;

// ANCHOR: harness
/// Where one run of the harness stopped the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CancelPoint {
    /// How many times the future was polled before it was dropped (or before it completed).
    pub polls: usize,
    /// Whether the future completed instead of being dropped: the last run.
    pub completed: bool,
    /// Virtual time from the start of this run to the drop (or to completion).
    pub elapsed: Duration,
}

/// What a harness run that passed saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CancelReport {
    /// The polls the future needed to complete; it was dropped after 0, 1, …, this minus one.
    pub polls_to_complete: usize,
}

/// Why a harness run failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CancelFailure {
    /// The invariant did not hold after a drop (or after completion).
    #[error("invariant broken at {point:?}: {message}")]
    Invariant {
        /// Where the future was stopped.
        point: CancelPoint,
        /// The invariant's message.
        message: String,
    },
    /// After a poll, the future was not woken within the harness's `max_wait` of virtual time.
    #[error("after poll {polls} the future was not woken within {waited:?}")]
    NotWoken {
        /// The polls made before the wait.
        polls: usize,
        /// The wait.
        waited: Duration,
    },
    /// After a poll, the future was pending, had not been woken, and kept no clone of its
    /// waker (so no timer, channel or task can wake it): reported at once, without waiting.
    #[error("after poll {polls} the future was not woken and kept no waker: it can never finish")]
    NeverWoken {
        /// The polls made.
        polls: usize,
    },
    /// The future did not complete within the harness's `max_polls`.
    #[error("the future did not complete within {0} polls")]
    TooManyPolls(usize),
}

/// The harness's limits; [`cancel_at_every_await`] uses the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CancelHarness {
    /// How long (virtual time) to wait for the future to be woken after a poll: 1 hour.
    pub max_wait: Duration,
    /// How long (virtual time) to let the runtime run after a drop before the check, beyond a
    /// few yields: zero.
    pub settle: Duration,
    /// The most polls a run may take: 10 000.
    pub max_polls: usize,
}

impl Default for CancelHarness {
    fn default() -> CancelHarness {
        CancelHarness {
            max_wait: Duration::from_secs(3_600),
            settle: Duration::ZERO,
            max_polls: 10_000,
        }
    }
}

/// The yields after a drop, so that tasks woken by the drop (a permit handed on, a cleanup task)
/// run before the invariant is checked.
const SETTLE_YIELDS: usize = 16;

/// The waker the harness polls the future with: it records that the future was woken, then
/// wakes the harness's task. Each clone the future keeps is a strong count of the `Arc`.
struct WakeFlag {
    woken: AtomicBool,
    task: Mutex<Option<Waker>>,
}

impl Wake for WakeFlag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        let task = self
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(task) = task {
            task.wake();
        }
    }
}

impl WakeFlag {
    /// Waits until the future's waker is woken; the first poll always yields once, so tasks
    /// woken meanwhile run first.
    async fn woken(&self) {
        let mut yielded = false;
        poll_fn(|cx: &mut Context<'_>| {
            *self.task.lock().unwrap_or_else(PoisonError::into_inner) = Some(cx.waker().clone());
            // Read after storing the task's waker, so a wake from another thread is not lost.
            if self.woken.load(Ordering::SeqCst) {
                if yielded {
                    return Poll::Ready(());
                }
                cx.waker().wake_by_ref();
            }
            yielded = true;
            Poll::Pending
        })
        .await;
    }
}

impl CancelHarness {
    /// Runs `make()` to each cut point in turn, dropping it there and checking `invariant`;
    /// see the [module docs](self). Needs a tokio runtime with time enabled; on a paused clock
    /// the waits take no real time.
    ///
    /// # Errors
    /// The first [`CancelFailure`].
    ///
    /// # Cancel safety
    /// Dropping this future drops the run in progress at its cut point, unchecked.
    pub async fn run<Make, Fut, Check>(
        &self,
        mut make: Make,
        mut invariant: Check,
    ) -> Result<CancelReport, CancelFailure>
    where
        Make: FnMut() -> Fut,
        Fut: Future,
        Check: AsyncFnMut(CancelPoint) -> Result<(), String>,
    {
        for cut in 0..=self.max_polls {
            let start = Instant::now();
            // Boxed, so that `drop` below really drops it before the check.
            let mut future = Box::pin(make());
            let flag = Arc::new(WakeFlag {
                woken: AtomicBool::new(false),
                task: Mutex::new(None),
            });
            let mut polls = 0;
            let mut completed = false;
            while polls < cut {
                if polls > 0 {
                    // Pending, not woken, and no clone of its waker anywhere but `flag`: no
                    // timer, channel or task can ever wake it.
                    if !flag.woken.load(Ordering::SeqCst) && Arc::strong_count(&flag) == 1 {
                        return Err(CancelFailure::NeverWoken { polls });
                    }
                    // Wait for the future's own waker (not any wake of this task, such as the
                    // timeout's); the clock jumps to the future's timer meanwhile.
                    if tokio::time::timeout(self.max_wait, flag.woken())
                        .await
                        .is_err()
                    {
                        return Err(CancelFailure::NotWoken {
                            polls,
                            waited: self.max_wait,
                        });
                    }
                }
                // One poll with a waker that records the wake-up and passes it on to this task.
                polls += 1;
                flag.woken.store(false, Ordering::SeqCst);
                let waker = Waker::from(Arc::clone(&flag));
                if future
                    .as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_ready()
                {
                    completed = true;
                    break;
                }
            }
            let elapsed = start.elapsed();
            drop(future);
            for _ in 0..SETTLE_YIELDS {
                tokio::task::yield_now().await;
            }
            if !self.settle.is_zero() {
                tokio::time::sleep(self.settle).await;
            }
            let point = CancelPoint {
                polls,
                completed,
                elapsed,
            };
            invariant(point)
                .await
                .map_err(|message| CancelFailure::Invariant { point, message })?;
            if completed {
                return Ok(CancelReport {
                    polls_to_complete: polls,
                });
            }
        }
        Err(CancelFailure::TooManyPolls(self.max_polls))
    }
}

/// [`CancelHarness::run`] with the default limits.
///
/// # Examples
/// ```
/// use std::sync::atomic::{AtomicI64, Ordering};
/// use std::time::Duration;
/// use testing::cancel_at_every_await;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let balance = AtomicI64::new(100);
/// let report = cancel_at_every_await(
///     || async {
///         tokio::time::sleep(Duration::from_millis(10)).await; // the network
///         balance.fetch_sub(10, Ordering::SeqCst); // no `.await` between debit and credit
///         balance.fetch_add(10, Ordering::SeqCst);
///     },
///     async |_| match balance.load(Ordering::SeqCst) {
///         100 => Ok(()),
///         other => Err(format!("balance {other}")),
///     },
/// )
/// .await;
/// assert_eq!(report.map(|report| report.polls_to_complete), Ok(2));
/// # }
/// ```
///
/// # Errors
/// The first [`CancelFailure`].
pub async fn cancel_at_every_await<Make, Fut, Check>(
    make: Make,
    invariant: Check,
) -> Result<CancelReport, CancelFailure>
where
    Make: FnMut() -> Fut,
    Fut: Future,
    Check: AsyncFnMut(CancelPoint) -> Result<(), String>,
{
    CancelHarness::default().run(make, invariant).await
}
// ANCHOR_END: harness

// ANCHOR: bank
/// Accounts whose total must never change: the invariant a cancellation test checks.
/// Clones share the accounts.
#[derive(Clone)]
pub struct Bank {
    balances: Arc<Mutex<Vec<i64>>>,
    hop: Duration,
}

impl Bank {
    /// `balances` accounts, numbered from 0; each transfer first makes one network hop of
    /// `hop` (to a fraud check, say).
    pub fn new(balances: Vec<i64>, hop: Duration) -> Bank {
        Bank {
            balances: Arc::new(Mutex::new(balances)),
            hop,
        }
    }

    // Locked for an update or a copy, never across an `.await`.
    fn balances(&self) -> MutexGuard<'_, Vec<i64>> {
        self.balances.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The sum of every balance.
    pub fn total(&self) -> i64 {
        self.balances().iter().sum()
    }

    /// The balances now.
    pub fn snapshot(&self) -> Vec<i64> {
        self.balances().clone()
    }

    // ANCHOR: cancellation_tests_key
    /// WRONG: debits, makes the hop, then credits.
    ///
    /// # Cancel safety
    /// Not cancel safe: dropped during the hop, the money has left `from` and never reaches
    /// `to`.
    ///
    /// # Panics
    /// When an account number is out of range.
    pub async fn transfer_naive(&self, from: usize, to: usize, amount: i64) {
        self.balances()[from] -= amount;
        tokio::time::sleep(self.hop).await; // a drop here loses `amount`
        self.balances()[to] += amount;
    }

    /// RIGHT: makes the hop first, then moves the money with no `.await` in between.
    ///
    /// # Cancel safety
    /// Cancel safe: dropped during the hop, nothing has moved yet.
    ///
    /// # Panics
    /// When an account number is out of range.
    pub async fn transfer(&self, from: usize, to: usize, amount: i64) {
        tokio::time::sleep(self.hop).await;
        let mut balances = self.balances();
        balances[from] -= amount;
        balances[to] += amount;
    }
    // ANCHOR_END: cancellation_tests_key
}
// ANCHOR_END: bank

impl fmt::Debug for Bank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bank")
            .field("balances", &self.snapshot())
            .finish_non_exhaustive()
    }
}
