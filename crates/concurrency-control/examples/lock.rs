//! Lock for shared state: 5 workers × 10 increments, each holding the lock 0.01 s: 50 at +0.5 s;
//! then the same workers with the lock released across the `.await`, which loses updates.
//!
//! Run: `cargo run --example lock`
//!
//! Expected output (the golden transcript `lock.txt` beside this file):
//! ```text
//! [+0.000s] 5 workers x 10 increments, lock held 10ms each
//! [+0.500s] tokio Mutex held across the await: counter = 50
//! ...
//! ```

use std::time::Duration;

use tokio::time::Instant;

use concurrency_control::{AsyncCounter, RacyCounter, SyncCounter};
use testing::Transcript;

const WORKERS: u32 = 5;
const INCREMENTS: u32 = 10;
const HOLD: Duration = Duration::from_millis(10);

/// Holds the lock until the next `HOLD` mark since `start` (`start + k × 10 ms`): `HOLD` on the
/// paused clock. On the real clock, fifty plain `sleep(HOLD)`s in a row would each end on the
/// timer's next whole millisecond after a late wake-up, and the delays would add up to some 60 ms;
/// deadlines on a fixed grid do not add up (`docs/primer.md`, *The 1 ms timer grid*).
fn hold(start: Instant) -> tokio::time::Sleep {
    let marks = start.elapsed().as_nanos() / HOLD.as_nanos() + 1;
    let marks = u32::try_from(marks).expect("the example lasts far less than 10 ms × 2^32");
    tokio::time::sleep_until(start + HOLD * marks)
}

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let start = Instant::now();
    // ANCHOR: main
    t.line("5 workers x 10 increments, lock held 10ms each");
    let counter = AsyncCounter::default();
    let workers = (0..WORKERS).map(|_| async {
        for _ in 0..INCREMENTS {
            counter.increment_after(|| hold(start)).await;
        }
    });
    futures::future::join_all(workers).await;
    t.line(format!(
        "tokio Mutex held across the await: counter = {}",
        counter.get().await
    ));
    // ANCHOR_END: main

    // ANCHOR: race
    let racy = RacyCounter::default();
    let workers = (0..WORKERS).map(|_| async {
        for _ in 0..INCREMENTS {
            racy.increment_after(|| hold(start)).await;
        }
    });
    futures::future::join_all(workers).await;
    t.line(format!(
        "std Mutex released across the await: counter = {} (lost {} updates, on one thread)",
        racy.get(),
        u64::from(WORKERS * INCREMENTS) - racy.get()
    ));
    // ANCHOR_END: race

    // ANCHOR: sync
    let quick = SyncCounter::default();
    let workers = (0..WORKERS).map(|_| async {
        for _ in 0..INCREMENTS {
            quick.increment(); // no `.await` under the lock: a std Mutex is right
            tokio::task::yield_now().await;
        }
    });
    futures::future::join_all(workers).await;
    t.line(format!(
        "std Mutex, no await inside: counter = {}",
        quick.get()
    ));
    // ANCHOR_END: sync
    Ok(())
}
