//! The harness every example's `main` calls.

use std::future::Future;

use crate::clock::ClockMode;
use crate::transcript::Transcript;

/// Runs an example's body on a fresh `current_thread` runtime and returns what the body returns.
///
/// The runtime is the one `#[tokio::main(flavor = "current_thread")]` would build, with one
/// difference: when [`CLOCK_ENV`](crate::clock::CLOCK_ENV) is `paused` it starts on tokio's paused
/// clock, so the transcript's stamps are exact (see [`clock`](crate::clock)). The body receives a
/// [`Transcript`] that prints to stdout, stamped from the runtime's start.
///
/// ```no_run
/// use std::time::Duration;
///
/// fn main() -> anyhow::Result<()> {
///     testing::run_example(|t| async move {
///         t.line("working");
///         tokio::time::sleep(Duration::from_millis(500)).await;
///         t.line("done"); // [+0.500s] done
///         Ok(())
///     })
/// }
/// ```
///
/// # Panics
/// When the operating system refuses the runtime its resources (an I/O driver or a thread), which
/// leaves an example nothing to run on.
pub fn run_example<F, Fut, T>(body: F) -> T
where
    F: FnOnce(Transcript) -> Fut,
    Fut: Future<Output = T>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(ClockMode::from_env() == ClockMode::Paused)
        .build()
        .expect("the OS lets a current-thread tokio runtime start");
    runtime.block_on(async move { body(Transcript::to_stdout()).await })
}
