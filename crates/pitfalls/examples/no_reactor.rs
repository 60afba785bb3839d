//! No reactor: `tokio::spawn` from a thread outside any runtime, and a timer and a socket on a
//! runtime built without its drivers, each panic with tokio's text; then `enable_all` and
//! `Handle::enter`.
//!
//! Run: `cargo run --example no_reactor`
//!
//! Expected output: the golden transcript `no_reactor.txt` beside this file.

use std::panic::{self, AssertUnwindSafe};
use std::time::Duration;

use pitfalls::no_reactor;
use testing::{QuietPanics, Transcript};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // The wrong versions need a thread that is in no runtime: a plain thread, joined from a
    // blocking one.
    let messages = tokio::task::spawn_blocking(|| {
        std::thread::spawn(wrong_versions)
            .join()
            .unwrap_or_default()
    })
    .await?;
    for (what, message) in messages {
        t.line(format!("wrong: {what}"));
        t.line(format!("  panicked: {message}"));
    }

    let answer = tokio::task::spawn_blocking(|| -> anyhow::Result<u32> {
        let runtime = no_reactor::runtime()?;
        let job = no_reactor::start_job_on(runtime.handle());
        runtime.block_on(async {
            tokio::time::sleep(Duration::from_millis(1)).await;
            drop(tokio::net::TcpListener::bind("127.0.0.1:0").await?);
            Ok::<_, anyhow::Error>(job.await?)
        })
    })
    .await??;
    t.line(format!(
        "right: enable_all, and Handle::enter for the sync code: a timer, a socket, and the job's answer {answer}"
    ));
    Ok(())
}

/// Runs each wrong version on this thread (in no runtime) and returns its panic message.
fn wrong_versions() -> Vec<(&'static str, String)> {
    let quiet = QuietPanics::new();
    let mut messages = vec![(
        "tokio::spawn from sync code, in no runtime",
        message(|| drop(no_reactor::start_job())),
    )];
    match no_reactor::runtime_without_drivers() {
        Ok(runtime) => {
            messages.push((
                "a timer on a runtime built without enable_time",
                message(|| {
                    runtime.block_on(async { tokio::time::sleep(Duration::from_millis(1)).await })
                }),
            ));
            messages.push((
                "a socket on a runtime built without enable_io",
                message(|| drop(runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")))),
            ));
        }
        Err(error) => messages.push(("building the runtime", error.to_string())),
    }
    drop(quiet);
    messages
}

fn message(body: impl FnOnce()) -> String {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(()) => "no panic".to_owned(),
        Err(payload) => basics::PanicPayload::new(payload)
            .message()
            .unwrap_or("a panic without a message")
            .to_owned(),
    }
}
