//! Actor: a counters service owned by one task. Three clients count page views through cloned
//! handles, each request answered on a oneshot channel; when the last handle drops, the actor
//! stops and hands back its final state.
//!
//! Run: `cargo run --example actor`
//!
//! Expected output (the golden transcript `actor.txt` beside this file):
//! ```text
//! [+0.000s] client 1: /home is now 1
//! ...
//! ```

use std::time::Duration;

use producer_consumer::actor::Counters;
use testing::Transcript;
use tokio::task::JoinSet;
use tokio::time::sleep;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let (counters, actor) = Counters::spawn(8)?;
    let mut clients = JoinSet::new();
    for client in 1..=3u64 {
        let (counters, t) = (counters.clone(), t.clone());
        clients.spawn(async move {
            for visit in 0..3 {
                let page = if visit == 2 { "/about" } else { "/home" };
                let count = counters.add(page, 1).await?;
                t.line(format!("client {client}: {page} is now {count}"));
                sleep(Duration::from_millis(100 * client)).await;
            }
            anyhow::Ok(())
        });
    }
    while let Some(joined) = clients.join_next().await {
        joined??;
    }
    t.line(format!(
        "/home read back: {:?}",
        counters.get("/home").await?
    ));
    drop(counters); // the last handle: the actor's queue ends and it returns its state
    let last = actor.join().await?;
    t.line(format!("actor stopped with {last:?}"));
    // ANCHOR_END: main
    Ok(())
}
