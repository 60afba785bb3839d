//! Hello: the entry point. Print, sleep 1 s, print: the second line comes at +1 s.
//!
//! Run: `cargo run --example hello`
//!
//! Expected output (the golden transcript `hello.txt` beside this file):
//! ```text
//! [+0.000s] hello from a CurrentThread runtime
//! [+1.000s] world
//! ...
//! ```
//!
//! `#[tokio::main(flavor = "current_thread")]` would build this runtime; the examples of this
//! workspace build it through `testing::run_example` instead, which is the same
//! `Builder::new_current_thread().enable_all().build()?.block_on(..)` with one switch: started on
//! tokio's paused clock when the golden transcript is checked.

use std::time::Duration;

use basics::{Flavor, RuntimeError};
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let flavor = Flavor::current().map_or("no".to_owned(), |flavor| format!("{flavor:?}"));
    t.line(format!("hello from a {flavor} runtime"));
    tokio::time::sleep(Duration::from_secs(1)).await;
    t.line("world");
    // ANCHOR_END: main

    // ANCHOR: errors
    // Zero workers would make tokio's builder panic; here it is a value.
    let zero = Flavor::MultiThread { workers: 0 }.build();
    t.line(format!(
        "MultiThread {{ workers: 0 }} -> {}",
        describe(zero.err())
    ));
    // We are inside a runtime already: a nested `block_on` would panic, `run` refuses.
    let nested = basics::hello::run(Flavor::CurrentThread, async { "never runs" });
    t.line(format!(
        "hello::run inside a runtime -> {}",
        describe(nested.err())
    ));
    // ANCHOR_END: errors
    Ok(())
}

fn describe(error: Option<RuntimeError>) -> String {
    error.map_or_else(|| "ok".to_owned(), |error| format!("error: {error}"))
}
