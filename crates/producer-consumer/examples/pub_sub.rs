//! Publish and subscribe: a ticker publishes 10 prices 0.1 s apart to three subscribers, each
//! keeping at most 4 unread. Two keep up; the slow one (0.37 s per message) lags, is told how
//! many it missed, and carries on. The publisher never waits.
//!
//! The publisher keeps a fixed schedule (`sleep_until` the next 0.1 s, so on the real clock its
//! wake-up delays do not add up), and the slow reader's 0.37 s puts its reads at +0.37 s and
//! +0.74 s, 30 ms or more from any publish: what it finds waiting is the same on both clocks.
//!
//! Run: `cargo run --example pub_sub`
//!
//! Expected output (the golden transcript `pub_sub.txt` beside this file):
//! ```text
//! [+0.000s] slow got price 100
//! ...
//! ```

use std::time::Duration;

use producer_consumer::pub_sub::{self, Delivery, Subscriber};
use testing::Transcript;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep, sleep_until};

// ANCHOR: subscriber
async fn subscriber(
    t: Transcript,
    name: &'static str,
    mut rx: Subscriber<u32>,
    work: Duration,
) -> String {
    let (mut got, mut missed) = (0, 0);
    while let Some(delivery) = rx.recv().await {
        match delivery {
            Delivery::Message(price) => {
                got += 1;
                if name == "slow" {
                    t.line(format!("{name} got price {price}"));
                }
                sleep(work).await;
            }
            Delivery::Missed(n) => {
                missed += n;
                t.line(format!("{name} lagged: {n} missed"));
            }
        }
    }
    format!("{name}: {got} received, {missed} missed")
}
// ANCHOR_END: subscriber

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    // A power of two: tokio's broadcast rounds any other capacity up (3 would keep 4 too).
    let (publisher, first) = pub_sub::channel(4)?;
    let mut subscribers = JoinSet::new();
    let mut first = Some(first);
    for (name, work) in [("fast-1", 10), ("fast-2", 50), ("slow", 370)] {
        // The channel's own subscriber first, then one more per name.
        let rx = first.take().unwrap_or_else(|| publisher.subscribe());
        subscribers.spawn(subscriber(t.clone(), name, rx, Duration::from_millis(work)));
    }
    let start = Instant::now();
    for (n, price) in (1..).zip(100..110) {
        publisher.publish(price); // never waits, whoever is slow
        sleep_until(start + Duration::from_millis(100) * n).await;
    }
    t.line("publisher done: 10 prices in 1s");
    drop(publisher); // subscribers read what is left, then see the end
    let mut summary = Vec::new();
    while let Some(joined) = subscribers.join_next().await {
        summary.push(joined?);
    }
    summary.sort();
    for line in summary {
        t.line(line);
    }
    // ANCHOR_END: main
    Ok(())
}
