//! Bounded queue: 2 producers × 5 items (0.1 s apart) and 3 consumers (0.2 s of work each) share
//! a queue of capacity 10; then the same producers burst their items into a queue of capacity 2
//! and are paced by the consumers (backpressure).
//!
//! Run: `cargo run --example bounded_queue`
//!
//! Expected output (the golden transcript `bounded_queue.txt` beside this file):
//! ```text
//! act 1: capacity 10, producers pause 0.1s between items
//! [+0.000s] c1 took A-0 (0 waiting)
//! ...
//! ```

use std::time::Duration;

use producer_consumer::bounded_queue::{self, Receiver, Sender};
use testing::Transcript;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

/// A put that waited longer than this waited for room. Far from both clocks' figures: 0 (or a
/// few microseconds of real time) for a put that found room, 200 ms for one that waited for a
/// consumer.
const WAITED: Duration = Duration::from_millis(50);

// ANCHOR: producer
/// Puts 5 items, `gap` apart, and reports every put that had to wait for room.
async fn producer(t: Transcript, name: &'static str, tx: Sender<String>, gap: Duration) {
    let _span = t.span(format!("producer {name}"));
    for i in 0..5 {
        let asked = Instant::now();
        // `send` waits while the queue is full: this is the backpressure.
        if tx.send(format!("{name}-{i}")).await.is_err() {
            return; // every consumer is gone
        }
        let waited = asked.elapsed();
        if waited > WAITED {
            t.line(format!(
                "{name} waited {:.1} s for room to put {name}-{i}",
                waited.as_secs_f64()
            ));
        }
        // A burst does not sleep at all: even a zero-length sleep waits for the timer's next
        // tick on the real clock, which would let the other producer in.
        if !gap.is_zero() {
            sleep(gap).await;
        }
    }
    t.line(format!("{name} put all 5 items"));
    // `tx` drops here; when both producers' senders are gone the queue ends.
}
// ANCHOR_END: producer

// ANCHOR: consumer
/// Takes items until the queue ends (every sender dropped and nothing left), 0.2 s each.
async fn consumer(t: Transcript, name: &'static str, rx: Receiver<String>) -> usize {
    let mut done = 0;
    while let Some(item) = rx.recv().await {
        t.line(format!("{name} took {item} ({} waiting)", rx.len()));
        let _span = t.span(format!("{name} {item}"));
        sleep(Duration::from_millis(200)).await;
        done += 1;
    }
    done
}
// ANCHOR_END: consumer

// ANCHOR: play
async fn play(t: &Transcript, capacity: usize, gap: Duration) -> anyhow::Result<()> {
    let (tx, rx) = bounded_queue::channel(capacity)?;
    let mut tasks = JoinSet::new();
    for name in ["A", "B"] {
        let put = producer(t.clone(), name, tx.clone(), gap);
        // Producers count nothing; returning 0 lets them share one `JoinSet` with the consumers.
        tasks.spawn(async move {
            put.await;
            0
        });
    }
    // Only the producers hold senders now: the queue ends when they finish.
    drop(tx);
    for name in ["c1", "c2", "c3"] {
        tasks.spawn(consumer(t.clone(), name, rx.clone()));
    }
    drop(rx);
    let mut processed = 0;
    while let Some(joined) = tasks.join_next().await {
        processed += joined?;
    }
    t.line(format!("{processed} items processed, every task finished"));
    Ok(())
}
// ANCHOR_END: play

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.raw("act 1: capacity 10, producers pause 0.1s between items");
    play(&t, 10, Duration::from_millis(100)).await?;
    t.print_timeline();

    t.raw("");
    t.raw("act 2: capacity 2, producers burst (no pause): they are paced by the consumers");
    let t = Transcript::to_stdout();
    play(&t, 2, Duration::ZERO).await?;
    t.print_timeline();
    Ok(())
}
