//! Sync code calling async: a sync function that needs an async result. `basics::block_on`
//! from plain sync code; the nested-runtime panic that tokio raises inside a runtime, and the
//! typed error that avoids it; then an `AsyncBridge` (a runtime on its own thread) answering three
//! plain std threads.
//!
//! Run: `cargo run --example sync_calling_async`
//!
//! This example runs on real threads and real runtimes of its own, outside the paused clock, so
//! it prints no time stamps: only facts that are the same on every run (the answers are printed
//! in a fixed order after the threads are joined).
//!
//! Expected output (the golden transcript `sync_calling_async.txt` beside this file):
//! ```text
//! sync main, no runtime yet: basics::block_on(fetch_config("retries"))
//!   -> retries = 3
//! ...
//! ```

use std::time::Duration;

use basics::{AsyncBridge, BlockOnError, PanicPayload};
use testing::{QuietPanics, Transcript};

// ANCHOR: fetch_config
/// The async API the sync code needs: a stand-in for a config service that answers in 10 ms.
async fn fetch_config(key: &'static str) -> String {
    tokio::time::sleep(Duration::from_millis(10)).await;
    let value = match key {
        "retries" => "3",
        "timeout" => "30s",
        _ => "unset",
    };
    format!("{key} = {value}")
}

/// Plain sync code (a CLI, a sync library, a callback) that needs the async answer.
fn load_config(key: &'static str) -> Result<String, BlockOnError> {
    basics::block_on(fetch_config(key))
}
// ANCHOR_END: fetch_config

fn main() -> anyhow::Result<()> {
    let t = Transcript::to_stdout();

    // ANCHOR: sync_main
    t.raw("sync main, no runtime yet: basics::block_on(fetch_config(\"retries\"))");
    t.raw(format!("  -> {}", load_config("retries")?));
    // ANCHOR_END: sync_main

    t.raw("inside a runtime (an async fn calling the sync load_config):");
    testing::run_example(|t| async move { inside_a_runtime(&t) })?;

    // ANCHOR: bridge
    t.raw("an AsyncBridge: one runtime on its own thread, called from 3 plain threads");
    let bridge = AsyncBridge::spawn()?;
    let callers: Vec<_> = ["retries", "timeout", "colour"]
        .into_iter()
        .map(|key| {
            let handle = bridge.handle();
            std::thread::spawn(move || handle.call(fetch_config(key)))
        })
        .collect();
    for (n, caller) in callers.into_iter().enumerate() {
        let answer = caller
            .join()
            .map_err(|_| anyhow::anyhow!("caller {n} panicked"))??;
        t.raw(format!("  thread {n} -> {answer}"));
    }
    let handle = bridge.handle();
    bridge.shutdown(); // stops the runtime and joins its thread
    match handle.call(fetch_config("retries")) {
        Err(error) => t.raw(format!("  a call after shutdown returns Err: {error}")),
        Ok(answer) => anyhow::bail!("expected the runtime to be gone, got {answer}"),
    }
    // ANCHOR_END: bridge
    Ok(())
}

// ANCHOR: nested
fn inside_a_runtime(t: &Transcript) -> anyhow::Result<()> {
    // What tokio does when a thread that drives a runtime blocks on another future: it panics.
    // The panic is caught here only to print its message (silenced meanwhile).
    let quiet = QuietPanics::new();
    let nested = std::panic::catch_unwind(|| {
        tokio::runtime::Handle::current().block_on(fetch_config("retries"))
    });
    drop(quiet);
    let message = nested
        .err()
        .map(PanicPayload::new)
        .and_then(|payload| payload.message().map(str::to_owned))
        .unwrap_or_default();
    let first_sentence = message.split('.').next().unwrap_or_default();
    t.raw(format!("  Handle::block_on panics: \"{first_sentence}\""));

    // basics::block_on checks first and returns a typed error instead.
    match load_config("retries") {
        Err(error) => t.raw(format!("  basics::block_on returns Err: {error}")),
        Ok(answer) => anyhow::bail!("expected a refusal, got {answer}"),
    }
    Ok(())
}
// ANCHOR_END: nested
