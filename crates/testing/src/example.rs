//! The harness every example's `main` calls.

use std::future::Future;

use crate::clock::ClockMode;
use crate::stall_monitor::{STALLS_ENV, StallConfig, StallMonitor};
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
/// When [`STALLS_ENV`] is `1`, a [`StallMonitor`] with the default configuration watches the
/// runtime (busy-worker and probe detectors); the transcript is unchanged.
///
/// # Panics
/// When the operating system refuses the runtime its resources (an I/O driver or a thread), which
/// leaves an example nothing to run on; with [`STALLS_ENV`] set, when the monitor reported a
/// stall (the reports are listed on stderr and in the panic message).
pub fn run_example<F, Fut, T>(body: F) -> T
where
    F: FnOnce(Transcript) -> Fut,
    Fut: Future<Output = T>,
{
    let mut builder = tokio::runtime::Builder::new_current_thread();
    builder
        .enable_all()
        .start_paused(ClockMode::from_env() == ClockMode::Paused);
    let monitor = std::env::var(STALLS_ENV)
        .is_ok_and(|value| value.trim() == "1")
        .then(|| {
            StallMonitor::start(StallConfig::default())
                .expect("the default stall configuration is valid")
        });
    let runtime = match &monitor {
        Some(monitor) => monitor.build_runtime(&mut builder),
        None => builder.build(),
    }
    .expect("the OS lets a current-thread tokio runtime start");
    let output = runtime.block_on(async move { body(Transcript::to_stdout()).await });
    drop(runtime);
    if let Some(Err(stalled)) = monitor.map(|monitor| monitor.check()) {
        for report in &stalled.reports {
            eprintln!("stall monitor: {report}");
        }
        panic!("{stalled}");
    }
    output
}
