//! Circuit breaker: 5 failures in a row open it for 3 s; calls meanwhile are rejected without
//! reaching the service; after 3 s one probe goes through (half-open), succeeds, and closes it.
//! Each line shows the state before the call, the outcome, and the state after. (Production
//! breakers open for tens of seconds, `BreakerConfig::default()` for 30 s; 3 s keeps the example
//! short when it runs in real time.)
//!
//! Run: `cargo run --example circuit_breaker`
//!
//! Expected output: the golden transcript `circuit_breaker.txt` beside this file.

use std::time::Duration;

use errors_timeouts::{BreakerConfig, BreakerError, CircuitBreaker};
use testing::{FakeService, Script, Step, Transcript};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let service = FakeService::new(
        "payments",
        Script::new()
            .then_repeat(5, Step::fail_after(Duration::from_millis(100)))
            .then(Step::ok_after(Duration::from_millis(100))),
    );
    let breaker = CircuitBreaker::new(BreakerConfig {
        failure_threshold: 5,
        open_for: Duration::from_secs(3),
        half_open_probes: 1,
    })?;
    // Five calls 0.1 s apart, then one every second.
    for round in 0..9 {
        let before = breaker.state();
        let outcome = breaker.call(service.call()).await;
        let what = match outcome {
            Ok(reply) => format!("ok: {reply}"),
            Err(BreakerError::Failed(error)) => format!("failed: {error}"),
            Err(BreakerError::Open { retry_in }) => {
                // Rounded, not truncated: `as_secs` would print 1 for 1.999 s.
                format!(
                    "rejected, no call made (retry in {:.1} s)",
                    retry_in.as_secs_f64()
                )
            }
        };
        t.line(format!("{before:?} -> {what} -> {:?}", breaker.state()));
        let pause = if round < 4 { 100 } else { 1_000 };
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    t.line(format!(
        "the service saw {} calls out of 9",
        service.stats().started
    ));
    // ANCHOR_END: main
    Ok(())
}
