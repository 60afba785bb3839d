//! Lifespan: a db pool, a cache client and an HTTP client started in order and torn down in
//! reverse; then a run where step 3 fails to start, so steps 2 and 1 are torn down in reverse
//! and step 3's error comes back.
//!
//! Run: `cargo run --example lifespan`
//!
//! Expected output: the golden transcript `lifespan.txt` beside this file.

use std::time::Duration;

use production::Lifespan;
use testing::{Transcript, ms};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

/// A resource handle: cheap to clone, as a pool or a client is.
#[derive(Debug, Clone)]
struct Handle(&'static str);

/// Starts the three steps; `fail_third` makes the HTTP client's start fail.
// ANCHOR: start_all
async fn start_all(
    t: &Transcript,
    lifespan: &mut Lifespan,
    fail_third: bool,
) -> Result<(Handle, Handle, Handle), production::StartFailed> {
    let step = |name: &'static str, takes: u64, fails: bool| {
        let t = t.clone();
        async move {
            tokio::time::sleep(ms(takes)).await;
            if fails {
                return Err("connection refused".to_owned());
            }
            t.line(format!("started {name}"));
            Ok(Handle(name))
        }
    };
    let stop = |t: &Transcript| {
        let t = t.clone();
        move |handle: Handle| async move {
            tokio::time::sleep(ms(50)).await;
            t.line(format!("stopped {}", handle.0));
            Ok::<(), std::io::Error>(())
        }
    };
    // ANCHOR: lifespan_key
    let db = lifespan
        .start("db pool", step("db pool", 300, false), stop(t))
        .await?;
    let cache = lifespan
        .start("cache", step("cache", 100, false), stop(t))
        .await?;
    let http = lifespan
        .start("http", step("http", 200, fail_third), stop(t))
        .await?;
    Ok((db, cache, http))
    // ANCHOR_END: lifespan_key
}
// ANCHOR_END: start_all

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("run 1: start three steps, serve, shut down");
    let mut lifespan = Lifespan::new(Duration::from_secs(5))?;
    let (db, cache, http) = start_all(&t, &mut lifespan, false).await?;
    t.line(format!("serving with {}, {} and {}", db.0, cache.0, http.0));
    tokio::time::sleep(ms(1000)).await;
    lifespan.shutdown().await?;
    t.line("run 1 done: torn down in reverse");

    t.line("run 2: the http client fails to start");
    let mut lifespan = Lifespan::new(Duration::from_secs(5))?;
    match start_all(&t, &mut lifespan, true).await {
        Ok(_) => t.line("started (not expected)"),
        Err(failed) => {
            t.line(format!("error: {failed}"));
            t.line(format!("  because: {}", failed.error));
            t.line(format!("  rollback ok: {}", failed.rollback.is_ok()));
        }
    }
    t.line(format!("steps left to tear down: {:?}", lifespan.started()));
    lifespan.shutdown().await?;
    // ANCHOR_END: main
    Ok(())
}
