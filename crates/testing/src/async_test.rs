//! Async tests: what `#[tokio::test]` builds, and what each runtime flavor lets a test do.
//!
//! `#[tokio::test]` wraps an `async fn` in a plain `#[test]` that builds a runtime and
//! `block_on`s the body, as `@pytest.mark.asyncio` runs a coroutine on an event loop. The default
//! is a `current_thread` runtime (the body and every task it spawns share the test's thread);
//! `flavor = "multi_thread", worker_threads = N` gives N worker threads beside the test's own.
//! The helpers here are what the lesson's tests call to tell the flavors apart.
//!
//! The lesson: `docs/testing.md`, section *Async tests*.

use std::sync::mpsc;
use std::time::Duration;

use tokio::runtime::{Handle, RuntimeFlavor};

/// The flavor of the runtime this is called on, as the name `#[tokio::test(flavor = ..)]`
/// takes (`"current_thread"`, `"multi_thread"`); `None` outside a runtime.
///
/// # Examples
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// assert_eq!(testing::async_test::flavor(), Some("current_thread"));
/// # }
/// ```
pub fn flavor() -> Option<&'static str> {
    let handle = Handle::try_current().ok()?;
    Some(match handle.runtime_flavor() {
        RuntimeFlavor::CurrentThread => "current_thread",
        RuntimeFlavor::MultiThread => "multi_thread",
        // `RuntimeFlavor` is non-exhaustive; tokio_unstable adds a local flavor.
        _ => "other",
    })
}

// ANCHOR: block
/// Spawns a task that answers on a std channel, then blocks this thread (on purpose, as a
/// blocking call would) for up to `block` of real time waiting for the answer. Returns whether
/// the task ran while this thread was blocked.
///
/// On a `current_thread` runtime it never does: the only thread that could run the task is the
/// one blocked, so the wait always lasts the whole `block` and the answer is `false`. On a
/// `multi_thread` runtime a worker runs it and the wait ends as soon as it answers.
///
/// # Cancel safety
/// Nothing to cancel: the only `.await`-free wait is the blocking one.
///
/// # Panics
/// Outside a tokio runtime.
pub fn task_runs_during_a_block(block: Duration) -> bool {
    let (answer, answered) = mpsc::channel();
    // The task is detached on purpose and finishes at its first poll: sending never waits.
    drop(tokio::spawn(async move {
        let _ = answer.send(());
    }));
    // BLOCKING: this is the mistake being measured, a synchronous wait on a runtime thread.
    answered.recv_timeout(block).is_ok()
}
// ANCHOR_END: block

/// Whether a runtime with tokio's paused clock can be built on `flavor`: only on
/// `current_thread` (tokio's builder panics for the other; this catches the panic and returns
/// `false`). The runtime is built and dropped on a thread of its own, so this may be called
/// from inside a runtime.
///
/// # Panics
/// When the operating system refuses a thread.
pub fn paused_clock_builds_on(flavor: RuntimeFlavor) -> bool {
    let quiet = crate::QuietPanics::new();
    let built = std::thread::spawn(move || {
        let mut builder = match flavor {
            RuntimeFlavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
            _ => tokio::runtime::Builder::new_multi_thread(),
        };
        builder.enable_time().start_paused(true).build().is_ok()
    })
    .join();
    drop(quiet);
    // A panic in the thread (tokio refusing the paused clock) arrives here as `Err`.
    built.unwrap_or(false)
}
