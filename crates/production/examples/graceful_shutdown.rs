//! Graceful shutdown: 5 jobs in flight (0.2 to 3 s), a SIGTERM at +0.1 s, a drain deadline of
//! 1 s. Readiness fails and the listener stops at once, the 3 short jobs finish, the 2
//! stragglers are aborted at +1.1 s and counted. Then the same service gets a second signal
//! during the drain and exits at once.
//!
//! The signals are scripted (`scripted_signals`), so the example stops by itself; a service
//! passes `production::signals()` instead (the conformance tests send real signals to a real
//! process).
//!
//! Run: `cargo run --example graceful_shutdown`
//!
//! Expected output: the golden transcript `graceful_shutdown.txt` beside this file.

use std::time::Duration;

use production::{Probes, Shutdown, Signal, scripted_signals, serve_until_stopped};
use testing::{Transcript, ms};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

/// Starts the five jobs and a listener that reports what it sees when told to stop.
fn serve(t: &Transcript, shutdown: &Shutdown) -> anyhow::Result<()> {
    for work in [200, 500, 900, 1500, 3000] {
        let span = t.task_span(format!("job {:.1} s", work as f64 / 1000.0));
        shutdown.spawn(move |_token| async move {
            tokio::time::sleep(ms(work)).await;
            span.end();
        })?;
    }
    let listener = shutdown.clone();
    let t = t.clone();
    tokio::spawn(async move {
        listener.token().cancelled().await;
        match listener.probes().readiness() {
            Ok(()) => t.line("listener closing, readiness still passes"),
            Err(failed) => t.line(format!(
                "listener closing; readiness already answers {}",
                failed.status_code()
            )),
        }
        if let Err(refused) = listener.spawn(|_token| async {}) {
            t.line(format!("a new job is refused: {refused}"));
        }
    });
    Ok(())
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let shutdown = Shutdown::new(Duration::from_secs(1), Probes::new())?;
    shutdown.probes().mark_started();
    serve(&t, &shutdown)?;
    t.line("serving 5 jobs; SIGTERM comes at +0.1 s; drain deadline 1 s");
    let stops = scripted_signals(vec![(ms(100), Signal::Terminate)]);
    let stopped = serve_until_stopped(shutdown, stops).await;
    let by = stopped
        .by
        .map_or("the end of the stop stream", Signal::name);
    t.line(format!("stopped by {by}: {}", stopped.report));
    t.line(format!("exit code {}", stopped.exit_code()));
    // ANCHOR_END: main
    t.print_timeline();

    // ANCHOR: forced
    let second = Transcript::in_memory();
    let shutdown = Shutdown::new(Duration::from_secs(1), Probes::new())?;
    serve(&second, &shutdown)?;
    t.line("again, with a SIGINT at +0.2 s during the drain");
    let stops = scripted_signals(vec![
        (ms(100), Signal::Terminate),
        (ms(200), Signal::Interrupt),
    ]);
    let stopped = serve_until_stopped(shutdown, stops).await;
    let forced_by = stopped.forced_by.map_or("nothing", Signal::name);
    t.line(format!("forced by {forced_by}: {}", stopped.report));
    t.line(format!("exit code {}", stopped.exit_code()));
    // ANCHOR_END: forced
    Ok(())
}
