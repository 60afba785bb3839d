//! Shield: a request handler saves an order (a 2 s critical write) and is cancelled by its 1 s
//! timeout. The write runs once and finishes at +2 s; the handler still sees its own timeout.
//!
//! Run: `cargo run --example shield`
//!
//! Expected output: the golden transcript `shield.txt` beside this file.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use errors_timeouts::Shield;
use testing::Transcript;

// ANCHOR: handler
/// The handler: the write is shielded, the rest of the handler is not.
async fn handle_order(t: Transcript, shield: Shield, writes: Arc<AtomicU32>) -> anyhow::Result<()> {
    t.line("handler: saving order 7");
    let write = shield.run({
        let t = t.clone();
        async move {
            let attempt = writes.fetch_add(1, Ordering::SeqCst) + 1;
            t.line(format!("write: started (start #{attempt})"));
            tokio::time::sleep(Duration::from_secs(2)).await;
            t.line("write: order 7 committed");
        }
    });
    write.await?;
    t.line("handler: replying 201"); // Never printed: the handler is cancelled first.
    Ok(())
}
// ANCHOR_END: handler

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let shield = Shield::new();
    let writes = Arc::new(AtomicU32::new(0));
    let handler = handle_order(t.clone(), shield.clone(), Arc::clone(&writes));
    match tokio::time::timeout(Duration::from_secs(1), handler).await {
        Ok(_) => t.line("caller: handler finished"),
        Err(elapsed) => t.line(format!("caller: handler cancelled ({elapsed})")),
    }
    t.line(format!(
        "caller: {} shielded write still running",
        shield.in_flight()
    ));
    shield.wait().await;
    t.line(format!(
        "shutdown: every shielded write done; started {} time(s)",
        writes.load(Ordering::SeqCst)
    ));
    // ANCHOR_END: main
    Ok(())
}
