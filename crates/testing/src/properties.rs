//! Properties: proptest generates schedules of jobs, a paused runtime plays each one in no real
//! time, and the property "never more than `limit` in flight" is checked for all of them. When
//! one fails, proptest shrinks the schedule to the smallest that still fails.
//!
//! Two limiters play the schedules: [`Limiter::Semaphore`] (tokio's `Semaphore`, correct) and
//! [`Limiter::CheckThenAct`], which checks "fewer than `limit` running?" and counts itself in
//! only after an `.await`: the race asyncio code has when a `yield` sits between a check and an
//! act. It shows when more than `limit` jobs pass the check in the same turn of the runtime:
//! jobs that start at the same instant, or waiters that retry in the same millisecond.
//!
//! The lesson: `docs/testing.md`, section *Properties*.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::concurrency_in_tests::InFlight;

/// One job of a schedule: when it asks for a slot and how long it holds it, in milliseconds
/// from the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// When the job asks for a slot.
    pub start_ms: u64,
    /// How long it holds the slot (at least 1 ms, so a slot is really held).
    pub hold_ms: u64,
}

/// How jobs are kept to the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limiter {
    /// A `tokio::sync::Semaphore` with `limit` permits.
    Semaphore,
    /// WRONG: wait while `running >= limit`, yield, then count in.
    CheckThenAct,
}

/// What playing a schedule showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The most jobs that held a slot at once.
    pub max_in_flight: usize,
    /// Virtual time when the last job finished.
    pub finished_at: Duration,
}

// ANCHOR: play
/// Plays `schedule` with `limit` slots kept by `limiter`, one task per job, and reports the
/// most jobs ever in flight. Run it on a paused runtime ([`paused_runtime`](crate::paused_runtime)),
/// where a schedule of seconds takes microseconds of real time.
///
/// # Panics
/// When a job's task panics (none does), or outside a runtime with time enabled.
pub async fn play(schedule: &[Job], limit: usize, limiter: Limiter) -> Outcome {
    let start = Instant::now();
    let in_flight = InFlight::new();
    let semaphore = Arc::new(Semaphore::new(limit));
    let running = Arc::new(AtomicUsize::new(0));
    let mut jobs = JoinSet::new();
    for job in schedule.iter().copied() {
        let (in_flight, semaphore, running) = (
            in_flight.clone(),
            Arc::clone(&semaphore),
            Arc::clone(&running),
        );
        jobs.spawn(async move {
            tokio::time::sleep_until(start + Duration::from_millis(job.start_ms)).await;
            let hold = Duration::from_millis(job.hold_ms.max(1));
            match limiter {
                Limiter::Semaphore => {
                    let _permit = semaphore.acquire().await.expect("never closed");
                    let _counted = in_flight.enter();
                    tokio::time::sleep(hold).await;
                }
                Limiter::CheckThenAct => {
                    while running.load(Ordering::SeqCst) >= limit {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                    tokio::task::yield_now().await; // the gap between check and act
                    running.fetch_add(1, Ordering::SeqCst);
                    let _counted = in_flight.enter();
                    tokio::time::sleep(hold).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                }
            }
        });
    }
    while let Some(joined) = jobs.join_next().await {
        joined.expect("no job panics");
    }
    Outcome {
        max_in_flight: in_flight.max(),
        finished_at: start.elapsed(),
    }
}
// ANCHOR_END: play
