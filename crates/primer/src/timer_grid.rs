//! The 1 ms timer grid: tokio's timers fire on whole milliseconds counted from the runtime's
//! start, so a sleep ends on the first millisecond at or after its deadline. Sleeps in a loop
//! add each rounding (and, on the real clock, each late wake-up) to the next; an interval keeps a
//! fixed schedule and does not drift.
//!
//! The narrative is the primer's section
//! [The 1 ms timer grid](../../../book/primer.html#the-1-ms-timer-grid).

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior, interval_at, sleep};

// ANCHOR: sleeps
/// `count` sleeps of `each`, one after another. Returns the time they took on tokio's clock: on
/// the paused clock `count × each` rounded up to whole milliseconds per sleep; on the real clock a
/// little more, because every wake-up is late by the time the thread takes to run again.
///
/// # Cancel safety
/// Dropped at its `.await`, it loses nothing.
pub async fn sleep_loop(count: u32, each: Duration) -> Duration {
    let start = Instant::now();
    for _ in 0..count {
        sleep(each).await;
    }
    start.elapsed()
}
// ANCHOR_END: sleeps

// ANCHOR: ticks
/// `count` ticks of an interval of `period`, the first one `period` from now. Returns the time
/// they took on tokio's clock: `count × period`, because each tick is due at a fixed time, however
/// late the previous one woke.
///
/// # Cancel safety
/// Dropped at its `.await`, it loses nothing.
pub async fn interval_loop(count: u32, period: Duration) -> Duration {
    let start = Instant::now();
    let mut ticker = interval_at(start + period, period);
    // Burst (the default) catches up missed ticks; on a loaded machine that keeps the schedule.
    ticker.set_missed_tick_behavior(MissedTickBehavior::Burst);
    for _ in 0..count {
        ticker.tick().await;
    }
    start.elapsed()
}
// ANCHOR_END: ticks
