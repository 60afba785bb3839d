//! `cargo run --example http_service`: an axum service with a request timeout, load shedding,
//! probes, health checks, clear 4xx answers and a graceful drain, exercised by its own client.
//!
//! `cargo run --example http_service -- --serve` runs the service until SIGTERM or SIGINT
//! instead: it prints `listening on ADDR`, drains on the first signal and prints the report
//! (the SIGTERM test drives this mode with a real signal).
//!
//! Runs on the real clock ([`real_world::run_real_time`] ignores `TRANSCRIPT_CLOCK`) and prints
//! counts and outcomes only, so its transcript is the same on every run.

use futures::StreamExt;
use real_world::http_service::{self, Config};

fn main() -> anyhow::Result<()> {
    let serve = std::env::args().skip(1).any(|arg| arg == "--serve");
    real_world::run_real_time(|t| async move {
        if !serve {
            return http_service::scenario(&t).await;
        }
        // Install the handlers before the service starts, so an early signal is not lost.
        let mut signals = production::signals()?;
        let service = http_service::start(Config::default()).await?;
        t.raw(format!("listening on {}", service.addr));
        let by = signals.next().await;
        t.raw(format!(
            "received {}: draining",
            by.map_or("end of signals", production::Signal::name)
        ));
        let report = service.drain().await;
        t.raw(format!(
            "drained: {} completed, {} cut at the drain deadline, {} panicked",
            report.completed,
            report.aborted.len(),
            report.panicked
        ));
        Ok(())
    })
}
