//! `cargo run --example file_processor`: 500 files in a temporary folder counted at most 8 open
//! at once; many `tokio::fs` calls against one `spawn_blocking` batch; results written by
//! write-then-rename (and a simulated crash mid-write); a 20 MB file streamed by lines.
//!
//! Runs on the real clock ([`real_world::run_real_time`] ignores `TRANSCRIPT_CLOCK`) and prints
//! counts and outcomes only, so its transcript is the same on every run.

fn main() -> anyhow::Result<()> {
    real_world::run_real_time(|t| async move { real_world::file_processor::scenario(&t).await })
}
