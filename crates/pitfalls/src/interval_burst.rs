//! Interval burst after a stall: `tokio::time::interval` catches up on missed ticks by default
//! (`MissedTickBehavior::Burst`): after a handler that ran long, or a runtime that was blocked,
//! every missed tick fires back to back, at once.
//!
//! Python's loop of `await asyncio.sleep(period)` drifts instead and never bursts. The fix picks
//! the behavior: `Delay` (the next tick a full period after the late one) or `Skip` (the next
//! tick on the original grid). No lint sees a default; a test on tokio's paused clock that
//! records the tick times does.
//!
//! The lesson: `docs/pitfalls.md`, section *Interval burst after a stall*.

use std::time::Duration;

use basics::config::{self, ConfigError};
use tokio::time::{Instant, Interval, MissedTickBehavior};

// ANCHOR: wrong
/// WRONG (for most periodic jobs): the default missed-tick behavior, `Burst`.
///
/// # Errors
/// [`ConfigError`] when `period` is zero (tokio's `interval` would panic) or longer than
/// [`config::MAX_DURATION`].
///
/// # Panics
/// Outside a tokio runtime with time enabled.
pub fn ticker_default(period: Duration) -> Result<Interval, ConfigError> {
    let period = config::duration("period", period)?;
    Ok(tokio::time::interval(period))
}
// ANCHOR_END: wrong

// ANCHOR: right
/// RIGHT: after a late tick, the next one comes a full `period` later.
///
/// # Errors
/// As [`ticker_default`].
///
/// # Panics
/// Outside a tokio runtime with time enabled.
pub fn ticker(period: Duration) -> Result<Interval, ConfigError> {
    let mut interval = ticker_default(period)?;
    interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
    Ok(interval)
}
// ANCHOR_END: right

/// When a tick fired, counted from the first tick.
pub type TickTimes = Vec<Duration>;

// ANCHOR: scenario
/// Takes `ticks` ticks of `interval`; after the tick numbered `stall_after` (from 0) the job
/// runs `stall` long. Returns when each tick fired, from the first.
///
/// # Cancel safety
/// Dropping the future loses the times recorded.
pub async fn tick_times(
    mut interval: Interval,
    ticks: usize,
    stall_after: usize,
    stall: Duration,
) -> TickTimes {
    let mut times = Vec::with_capacity(ticks);
    let start = Instant::now();
    for tick in 0..ticks {
        interval.tick().await;
        times.push(start.elapsed());
        if tick == stall_after {
            tokio::time::sleep(stall).await; // the job runs long this time
        }
    }
    times
}
// ANCHOR_END: scenario
