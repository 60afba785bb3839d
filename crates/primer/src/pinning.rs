//! Pinning, as far as `select!` and streams need it: a future polled on every turn of a loop is
//! created once and pinned with [`tokio::pin!`], and a stream that is not `Unpin` is pinned
//! before `next()` is called on it.
//!
//! The narrative is the primer's section
//! [Pinning for select! and streams](../../../book/primer.html#pinning-for-select-and-streams).

use std::time::Duration;

use futures::StreamExt;
use futures::stream;
use tokio::time::{Instant, interval_at, sleep};

use crate::Note;

// ANCHOR: pinned
/// A loop of `select!` between a ticker and one overall deadline, created once and pinned, so
/// every turn polls the same timer. Returns the number of ticks before the deadline fired.
///
/// # Cancel safety
/// Dropped at its `.await`, it loses nothing: the ticks are counted, not consumed.
pub async fn pinned_deadline(tick: Duration, deadline: Duration, note: impl Note) -> u32 {
    let mut ticker = interval_at(Instant::now() + tick, tick);
    // `Sleep` is not `Unpin` (the timer it registers must not move), and `select!` polls a
    // branch through `&mut`, which needs `Unpin`: `pin!` pins it in place, on this stack frame.
    let deadline = sleep(deadline);
    tokio::pin!(deadline);
    let mut ticks = 0;
    loop {
        tokio::select! {
            () = &mut deadline => {
                note(format!("pinned: deadline fired after {ticks} ticks"));
                return ticks;
            }
            _ = ticker.tick() => ticks += 1,
        }
    }
}
// ANCHOR_END: pinned

// ANCHOR: restarted
/// The bug pinning avoids: a `sleep(deadline)` written inside `select!` is a new timer on every
/// turn, so a ticker faster than the deadline restarts it forever. Stops after `max_ticks` and
/// returns how many ticks went by (always `max_ticks` when `tick < deadline`).
///
/// # Cancel safety
/// Dropped at its `.await`, it loses nothing.
pub async fn restarted_deadline(
    tick: Duration,
    deadline: Duration,
    max_ticks: u32,
    note: impl Note,
) -> u32 {
    let mut ticker = interval_at(Instant::now() + tick, tick);
    let mut ticks = 0;
    while ticks < max_ticks {
        tokio::select! {
            () = sleep(deadline) => {
                note(format!("restarted: deadline fired after {ticks} ticks"));
                return ticks;
            }
            _ = ticker.tick() => ticks += 1,
        }
    }
    note(format!(
        "restarted: {ticks} ticks and the deadline never fired"
    ));
    ticks
}
// ANCHOR_END: restarted

// ANCHOR: stream
/// A stream whose items come from an `async` block (as `async def` + `yield` does) is not
/// `Unpin`; `pin!` it before calling `next()`. Returns the sum of `1..=n`, one item per `pause`.
///
/// # Cancel safety
/// Dropped at its `.await`, the items not yet read are never produced.
pub async fn sum_stream(n: u64, pause: Duration) -> u64 {
    let numbers = stream::unfold(1, move |i| async move {
        if i > n {
            return None;
        }
        sleep(pause).await;
        Some((i, i + 1))
    });
    tokio::pin!(numbers);
    let mut sum = 0;
    while let Some(i) = numbers.next().await {
        sum += i;
    }
    sum
}
// ANCHOR_END: stream
