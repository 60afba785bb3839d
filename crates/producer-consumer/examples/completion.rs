//! Completion: two producers finish by dropping their senders, three consumers drain the queue
//! and return by themselves: no sentinels, no cancellation, nothing left running.
//!
//! Run: `cargo run --example completion`
//!
//! Expected output (the golden transcript `completion.txt` beside this file):
//! ```text
//! [+0.000s] A put A-0
//! ...
//! [+0.400s] all producers and consumers returned: 6 items, per consumer [2, 2, 2]
//! ```

use std::time::Duration;

use producer_consumer::{Sender, completion};
use testing::Transcript;
use tokio::time::sleep;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let producers = ["A", "B"].map(|name| {
        let t = t.clone();
        move |tx: Sender<String>| async move {
            for i in 0..3 {
                if tx.send(format!("{name}-{i}")).await.is_err() {
                    return; // every consumer is gone: stop producing
                }
                t.line(format!("{name} put {name}-{i}"));
                sleep(Duration::from_millis(50)).await;
            }
            t.line(format!("{name} returns: its sender drops"));
        }
    });
    let consume = {
        let t = t.clone();
        move |item: String| {
            let t = t.clone();
            async move {
                sleep(Duration::from_millis(100)).await;
                t.line(format!("processed {item}"));
            }
        }
    };
    let done = completion::run_to_completion(4, producers, 3, consume)?.await?;
    t.line(format!(
        "all producers and consumers returned: {} items, per consumer {:?}",
        done.total(),
        done.per_consumer
    ));
    // ANCHOR_END: main
    Ok(())
}
