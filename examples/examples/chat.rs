//! `cargo run --example chat`: a WebSocket chat on axum with tokio-tungstenite clients. Three
//! normal clients and a stalled one, a malformed frame, an oversized message, a flood, and a
//! shutdown that sends every client Close 1001.
//!
//! Runs on the real clock ([`real_world::run_real_time`] ignores `TRANSCRIPT_CLOCK`) and prints
//! counts and outcomes only, so its transcript is the same on every run.

fn main() -> anyhow::Result<()> {
    real_world::run_real_time(|t| async move { real_world::chat::scenario(&t).await })
}
