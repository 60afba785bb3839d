//! Condition: three consumers wait until stock is available and each takes one item; a producer
//! adds an item every 0.2 s. No item is taken twice and no wake-up is lost.
//!
//! Run: `cargo run --example condition`
//!
//! Expected output (the golden transcript `condition.txt` beside this file): one consumer served
//! at +0.200s, +0.400s and +0.600s each, and an observer that waited for "3 items produced".

use std::time::Duration;

use concurrency_control::Condition;
use testing::Transcript;

#[derive(Debug, Clone, Default)]
struct Stock {
    items: Vec<u32>,
    produced: u32,
}

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("3 consumers wait for stock; a producer adds an item every 0.2s");
    let stock = Condition::new(Stock::default());
    let consumer = |id: u32| {
        let (stock, t) = (&stock, t.clone());
        async move {
            // Check and take under one lock: two consumers cannot take the same item.
            let item = stock
                .wait_then(|s| !s.items.is_empty(), |s| s.items.pop())
                .await;
            t.line(format!(
                "consumer {id} took item {}",
                item.unwrap_or_default()
            ));
        }
    };
    let producer = async {
        for item in 1..=3 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            t.line(format!("producer adds item {item}"));
            stock.modify(|s| {
                s.items.push(item);
                s.produced += 1;
            });
        }
    };
    let observer = async {
        let seen = stock.wait_for(|s| s.produced == 3).await;
        t.line(format!(
            "observer: {} items produced, {} left",
            seen.produced,
            seen.items.len()
        ));
    };
    tokio::join!(consumer(1), consumer(2), consumer(3), producer, observer);
    // ANCHOR_END: main
    Ok(())
}
