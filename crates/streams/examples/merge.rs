//! Merge and fan-in: sensor A (every 0.1 s) and sensor B (every 0.13 s) read as one stream with
//! `select`, `merge`, `select_all` and a keyed `StreamMap`.
//!
//! Run: `cargo run --example merge`
//!
//! Expected output (the golden transcript `merge.txt` beside this file):
//! ```text
//! [+0.000s] select(a, b)
//! [+0.100s] a1
//! [+0.130s] b1
//! ...
//! ```

use std::time::Duration;

use basics::ConfigError;
use futures::StreamExt;
use streams::Paced;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

// ANCHOR: sensors
/// Two sources of one item type, boxed so they are `Unpin`.
fn sensor_a()
-> Result<std::pin::Pin<Box<Paced<std::array::IntoIter<&'static str, 4>>>>, ConfigError> {
    Ok(Box::pin(Paced::new(
        ["a1", "a2", "a3", "a4"],
        Duration::from_millis(100),
    )?))
}

fn sensor_b()
-> Result<std::pin::Pin<Box<Paced<std::array::IntoIter<&'static str, 4>>>>, ConfigError> {
    Ok(Box::pin(Paced::new(
        ["b1", "b2", "b3", "b4"],
        Duration::from_millis(130),
    )?))
}
// ANCHOR_END: sensors

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("select(a, b)");
    // ANCHOR: merge_key
    let mut merged = futures::stream::select(sensor_a()?, sensor_b()?);
    while let Some(reading) = merged.next().await {
        t.line(reading);
    }
    // ANCHOR_END: merge_key

    t.line("a.merge(b), tokio-stream's method, called by path beside futures' StreamExt");
    let merged = tokio_stream::StreamExt::merge(sensor_a()?, sensor_b()?);
    let all: Vec<&str> = merged.collect().await;
    t.line(format!("{all:?}"));

    t.line("select_all over a list of sources");
    let all: Vec<&str> = streams::merge_all([sensor_a()?, sensor_b()?])
        .collect()
        .await;
    t.line(format!("{all:?}"));

    t.line("StreamMap: keyed, b removed after its second reading");
    let mut map = streams::tagged([("a", sensor_a()?), ("b", sensor_b()?)]);
    while let Some((key, reading)) = map.next().await {
        t.line(format!("{key}: {reading}"));
        if reading == "b2" {
            map.remove("b");
        }
    }
    t.line("all sources ended");
    // ANCHOR_END: main
    Ok(())
}
