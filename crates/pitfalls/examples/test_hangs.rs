//! Tests that hang: a service answers 2 of 3 requests and keeps its channel open. Waiting for
//! the third reply with no limit never ends (bounded here at 1 s to show it); with a named
//! budget the wait fails at once, naming what it waited for.
//!
//! Run: `cargo run --example test_hangs`
//!
//! Expected output: the golden transcript `test_hangs.txt` beside this file.

use std::time::Duration;

use pitfalls::test_hangs::{self, ForgetfulEcho};
use testing::{Transcript, ms};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let mut echo = ForgetfulEcho::spawn(2);
    for request in ["a", "b", "c"] {
        echo.requests.send(request.to_owned()).await?;
    }
    t.line("3 requests sent; the service answers 2");
    for _ in 0..2 {
        t.line(format!(
            "  {:?}",
            test_hangs::next_reply(&mut echo.replies).await
        ));
    }
    let third = tokio::time::timeout(
        Duration::from_secs(1),
        test_hangs::next_reply(&mut echo.replies),
    )
    .await;
    t.line(format!(
        "wrong: no budget: still waiting: {} (a test would wait until CI kills it)",
        third.is_err()
    ));
    match test_hangs::reply_within(&mut echo.replies, "the reply to c", ms(500)).await? {
        Ok(reply) => t.line(format!("right: {reply}")),
        Err(error) => t.line(format!("right: a named budget fails: {error}")),
    }
    Ok(())
}
