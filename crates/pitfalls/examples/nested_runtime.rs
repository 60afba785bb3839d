//! Nested runtime: a sync helper that builds a runtime and calls `block_on`, called from async
//! code, panics with tokio's "Cannot start a runtime from within a runtime"; then the three
//! fixes.
//!
//! Run: `cargo run --example nested_runtime`
//!
//! Expected output: the golden transcript `nested_runtime.txt` beside this file.

use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;
use pitfalls::nested_runtime;
use testing::{QuietPanics, Transcript};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let quiet = QuietPanics::new();
    let caught = AssertUnwindSafe(nested_runtime::handler_nested(4))
        .catch_unwind()
        .await;
    drop(quiet);
    let message = match caught {
        Ok(_) => "no panic".to_owned(),
        Err(payload) => basics::PanicPayload::new(payload)
            .message()
            .and_then(|text| text.split(". ").next())
            .unwrap_or("a panic without a message")
            .to_owned(),
    };
    t.line("wrong: a sync helper with its own runtime, called from async code");
    t.line(format!("  panicked: {message}."));

    t.line(format!(
        "fix 1, await the future: {}",
        nested_runtime::handler(4).await
    ));
    t.line(format!(
        "fix 2, spawn_blocking + Handle::block_on: {}",
        nested_runtime::handler_via_blocking_thread(4).await?
    ));
    // `block_in_place` needs a multi-thread runtime: this example's is current-thread, so fix 3
    // runs on one built for it, from a blocking thread (where building one is allowed).
    let in_place = tokio::task::spawn_blocking(|| -> anyhow::Result<u32> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let task = runtime.spawn(async { nested_runtime::lookup_in_place(4) });
        Ok(runtime.block_on(task)?)
    })
    .await??;
    t.line(format!(
        "fix 3, block_in_place + Handle::block_on (multi-thread runtime): {in_place}"
    ));
    Ok(())
}
