//! Pipeline: parse → enrich → store, each stage joined to the next by a queue of 2. The first run
//! ends when the input ends, and the stages stop in order; in the second, line 3 is malformed,
//! parse fails, and the pipeline stops with that error instead of hanging.
//!
//! Run: `cargo run --example pipeline`
//!
//! Expected output (the golden transcript `pipeline.txt` beside this file):
//! ```text
//! run 1: five good lines
//! [+0.000s] parse: 1,ada
//! ...
//! ```

use std::time::Duration;

use producer_consumer::pipeline::{self, Pipeline};
use testing::Transcript;
use tokio::time::sleep;

#[derive(Debug, thiserror::Error)]
enum StageError {
    #[error("malformed line {0:?}")]
    Malformed(String),
}

#[derive(Debug)]
struct Record {
    id: u32,
    name: String,
}

// ANCHOR: build
fn build(
    t: &Transcript,
    input: tokio::sync::mpsc::Receiver<String>,
) -> anyhow::Result<Pipeline<StageError>> {
    let mut stages = Pipeline::new();
    let tp = t.clone();
    let records = stages.stage("parse", input, 2, move |line: String| {
        tp.line(format!("parse: {line}"));
        let parsed = line
            .split_once(',')
            .and_then(|(id, name)| {
                Some(Record {
                    id: id.parse().ok()?,
                    name: name.to_owned(),
                })
            })
            .ok_or(StageError::Malformed(line));
        async move { parsed }
    })?;
    let te = t.clone();
    let enriched = stages.stage("enrich", records, 2, move |record: Record| {
        let te = te.clone();
        async move {
            sleep(Duration::from_millis(100)).await; // a lookup
            te.line(format!(
                "enrich: {} -> {}",
                record.id,
                record.name.to_uppercase()
            ));
            Ok((record.id, record.name.to_uppercase()))
        }
    })?;
    let ts = t.clone();
    stages.sink("store", enriched, move |(id, name): (u32, String)| {
        let ts = ts.clone();
        async move {
            sleep(Duration::from_millis(50)).await; // a write
            ts.line(format!("store: #{id} {name}"));
            Ok(())
        }
    });
    Ok(stages)
}
// ANCHOR_END: build

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.raw("run 1: five good lines");
    // ANCHOR: run
    let (lines, input) = pipeline::channel(2)?;
    let stages = build(&t, input)?;
    for line in ["1,ada", "2,grace", "3,edsger", "4,barbara", "5,tony"] {
        lines.send(line.to_owned()).await?;
    }
    drop(lines); // end of input: parse stops, then enrich, then store
    let order = stages.join().await?;
    t.line(format!(
        "pipeline finished; stages stopped in order {order:?}"
    ));
    // ANCHOR_END: run

    t.raw("");
    t.raw("run 2: line 3 is malformed");
    let t = Transcript::to_stdout();
    // ANCHOR: failing
    let (lines, input) = pipeline::channel(2)?;
    let stages = build(&t, input)?;
    let feeder = tokio::spawn(async move {
        for line in ["1,ada", "2,grace", "three", "4,barbara", "5,tony"] {
            if lines.send(line.to_owned()).await.is_err() {
                return "the pipeline stopped taking input";
            }
        }
        "all lines sent"
    });
    match stages.join().await {
        Ok(order) => t.line(format!("finished: {order:?}")),
        Err(error) => {
            let cause = std::error::Error::source(&error).map(ToString::to_string);
            t.line(format!(
                "pipeline stopped: {error}: {}",
                cause.unwrap_or_default()
            ));
        }
    }
    t.line(format!("feeder: {}", feeder.await?));
    // ANCHOR_END: failing
    Ok(())
}
