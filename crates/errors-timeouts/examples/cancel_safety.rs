//! Cancellation-safety lab: four `select!` loops, each run lossy and lossless on the same input.
//!
//! 1. a relay with a heartbeat: `send` in the `select!` loses messages, `reserve` does not;
//! 2. a 0.5 s fetch raced against messages every 0.2 s: re-created each turn it restarts, pinned
//!    it finishes at +0.5 s;
//! 3. 4-byte frames arriving in halves: `read_exact` in the `select!` loses bytes, buffered
//!    framing with `read_buf` does not;
//! 4. a semaphore waiter with a heartbeat: re-created each turn it loses its place in the queue.
//!
//! Run: `cargo run --example cancel_safety`
//!
//! Expected output: the golden transcript `cancel_safety.txt` beside this file.
//!
//! No heartbeat falls on the same instant as another event (the relay's reader reads every
//! 250 ms, its heartbeat beats every 220 ms; the messages and the frames' halves arrive on a
//! fixed schedule, halfway between two heartbeats), so the run is the same on the real clock,
//! where two events "at the same time" come in either order.

use std::sync::Arc;
use std::time::Duration;

use errors_timeouts::cancel_safety::{
    Heartbeat, acquire_pinned, acquire_recreated, fetch_pinned, fetch_recreated,
    frames_with_read_buf, frames_with_read_exact, relay_six_to_a_slow_reader, relay_with_reserve,
    relay_with_send,
};
use testing::Transcript;
use tokio::io::AsyncWriteExt;
use tokio::sync::{Semaphore, mpsc};
use tokio::time::{Instant, sleep, sleep_until};

/// `count` messages, one every 200 ms from now, on a fixed schedule.
fn messages_every_200ms(count: u32) -> mpsc::Receiver<u32> {
    let (tx, rx) = mpsc::channel(1);
    let start = Instant::now();
    tokio::spawn(async move {
        for n in 0..count {
            sleep_until(start + Duration::from_millis(200) * (n + 1)).await;
            if tx.send(n).await.is_err() {
                break;
            }
        }
    });
    rx
}

/// Frames 1 to 4, each in two halves; the halves arrive 100 ms apart, at +0.05 s, +0.15 s, ...,
/// on a fixed schedule: a heartbeat of 100 ms started now beats halfway between two halves.
fn trickled_frames() -> tokio::io::DuplexStream {
    let (mut writer, reader) = tokio::io::duplex(64);
    let start = Instant::now();
    tokio::spawn(async move {
        let halves = (1u32..=4).flat_map(|frame| {
            let [a, b, c, d] = frame.to_be_bytes();
            [[a, b], [c, d]]
        });
        for (n, half) in (0u32..).zip(halves) {
            sleep_until(start + Duration::from_millis(50) + Duration::from_millis(100) * n).await;
            if writer.write_all(&half).await.is_err() {
                return;
            }
        }
        sleep_until(start + Duration::from_millis(850)).await;
    });
    reader
}

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let heartbeat = Heartbeat::new(Duration::from_millis(220))?;
    t.line("1. relay 6 items with a heartbeat (0.22 s) while the output is full");
    let (relay, received) =
        relay_six_to_a_slow_reader(|i, o| relay_with_send(i, o, heartbeat)).await;
    t.line(format!(
        "   send:    received {received:?} ({} heartbeats)",
        relay.heartbeats
    ));
    let (relay, received) =
        relay_six_to_a_slow_reader(|i, o| relay_with_reserve(i, o, heartbeat)).await;
    t.line(format!(
        "   reserve: received {received:?} ({} heartbeats)",
        relay.heartbeats
    ));

    t.line("2. a 0.5 s fetch while 4 messages arrive, one every 0.2 s");
    let fetch = || sleep(Duration::from_millis(500));
    let start = Instant::now();
    let done = fetch_recreated(fetch, messages_every_200ms(4)).await;
    let at = start.elapsed().as_secs_f64();
    t.line(format!(
        "   re-created: done after {at:.1} s, started {} times",
        done.starts
    ));
    let start = Instant::now();
    let done = fetch_pinned(fetch, messages_every_200ms(4)).await;
    let at = start.elapsed().as_secs_f64();
    t.line(format!(
        "   pinned:     done after {at:.1} s, started {} time",
        done.starts
    ));

    t.line("3. frames 1..=4 arriving in halves 0.1 s apart, a heartbeat (0.1 s) between them");
    let heartbeat = Heartbeat::new(Duration::from_millis(100))?;
    let lossy = frames_with_read_exact(trickled_frames(), heartbeat).await?;
    t.line(format!("   read_exact: {:?}", lossy.frames));
    let lossless = frames_with_read_buf(trickled_frames(), heartbeat).await?;
    t.line(format!("   read_buf:   {:?}", lossless.frames));

    t.line("4. A waits for a permit from 0 s (heartbeat 0.2 s), B from 0.1 s; freed at 0.5 s");
    for pinned in [false, true] {
        let semaphore = Arc::new(Semaphore::new(1));
        let held = Arc::clone(&semaphore).acquire_owned().await?;
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let heartbeat = Heartbeat::new(Duration::from_millis(200))?;
        let waiter_a = {
            let (semaphore, order) = (Arc::clone(&semaphore), Arc::clone(&order));
            tokio::spawn(async move {
                let outcome = if pinned {
                    acquire_pinned(&semaphore, heartbeat).await
                } else {
                    acquire_recreated(&semaphore, heartbeat).await
                };
                let _permit = outcome.expect("never closed");
                order.lock().expect("not poisoned").push("A");
            })
        };
        let waiter_b = {
            let (semaphore, order) = (Arc::clone(&semaphore), Arc::clone(&order));
            tokio::spawn(async move {
                sleep(Duration::from_millis(100)).await;
                let _permit = semaphore.acquire().await.expect("never closed");
                order.lock().expect("not poisoned").push("B");
            })
        };
        sleep(Duration::from_millis(500)).await;
        drop(held);
        waiter_a.await?;
        waiter_b.await?;
        let label = if pinned { "pinned:    " } else { "re-created:" };
        let order = order.lock().expect("not poisoned").clone();
        t.line(format!("   {label} served {order:?}"));
    }
    // ANCHOR_END: main
    Ok(())
}
