//! Probes: the harness polls startup, liveness and readiness while a service starts three
//! resources (0.1 s each), serves a 0.6 s request, gets a SIGTERM at +0.5 s and drains.
//! Startup fails until the lifespan is done; readiness fails from the signal on, before the
//! listener closes; liveness passes throughout.
//!
//! Run: `cargo run --example probes`
//!
//! Expected output: the golden transcript `probes.txt` beside this file.

use production::Signal;
use production::conformance::{self, ReferenceConfig, Script};
use testing::{Transcript, ms};

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let config = ReferenceConfig::slow_startup();
    let script = Script::new()
        .probe(ms(150))
        .probe(ms(350))
        .request(ms(400), ms(600))
        .signal(ms(500), Signal::Terminate)
        .probe(ms(550))
        .probe(ms(1100));
    let record = conformance::run(script, |ctx| conformance::reference_service(config, ctx)).await;
    for line in record.lines() {
        t.raw(line);
    }
    // ANCHOR_END: main
    Ok(())
}
