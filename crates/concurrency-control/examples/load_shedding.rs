//! Load shedding: a burst of 8 requests against a capacity of 3: 3 are served in 0.5 s, 5 are
//! rejected at +0.000s; a request after the burst is served again.
//!
//! Run: `cargo run --example load_shedding`
//!
//! Expected output (the golden transcript `load_shedding.txt` beside this file).

use std::time::Duration;

use concurrency_control::LoadShedder;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let shedder = LoadShedder::new(3)?;
    let handle = |id: u32| {
        let (shedder, t) = (&shedder, t.clone());
        async move {
            let served = shedder
                .run(tokio::time::sleep(Duration::from_millis(500)))
                .await;
            match served {
                Ok(()) => t.line(format!("request {id}: 200 ok")),
                Err(overloaded) => t.line(format!("request {id}: 503 ({overloaded})")),
            }
        }
    };
    t.line("burst of 8 requests, capacity 3");
    futures::future::join_all((1..=8).map(handle)).await;
    t.line("after the burst");
    handle(9).await;
    // ANCHOR_END: main
    Ok(())
}
