//! Combinators: async comprehensions as `StreamExt` chains over a generator of 1..10 (0.1 s
//! apart): filter + map, take + fold, and `then` for an async step per item.
//!
//! Run: `cargo run --example combinators`
//!
//! Expected output (the golden transcript `combinators.txt` beside this file):
//! ```text
//! [+0.000s] even squares of 1..10
//! [+1.000s] [4, 16, 36, 64, 100]
//! ...
//! ```

use std::future::ready;
use std::time::Duration;

use futures::StreamExt;
use testing::Transcript;

const GAP: Duration = Duration::from_millis(100);

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("even squares of 1..10");
    let squares: Vec<u64> = streams::even_squares(streams::numbers(10, GAP)?)
        .collect()
        .await;
    t.line(format!("{squares:?}"));

    t.line("sum of the first 3 (take stops the source after 3 items)");
    let total = streams::sum_of_first(streams::numbers(10, GAP)?.map(u64::from), 3).await;
    t.line(format!("sum {total}"));

    t.line("then: an async lookup per item, one at a time");
    let lookup = |id: u32| {
        let t = t.clone();
        async move {
            let _span = t.span(format!("lookup {id}"));
            tokio::time::sleep(Duration::from_millis(200)).await;
            format!("user-{id}")
        }
    };
    let names: Vec<String> = streams::then_each(futures::stream::iter(1..=3), lookup)
        .collect()
        .await;
    t.line(format!("{names:?}"));

    t.line("a chain inline: odd numbers, doubled, while below 12");
    let doubled: Vec<u32> = streams::numbers(10, GAP)?
        .filter(|n| ready(n % 2 == 1))
        .map(|n| n * 2)
        .take_while(|n| ready(*n < 12))
        .collect()
        .await;
    t.line(format!("{doubled:?}"));
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
