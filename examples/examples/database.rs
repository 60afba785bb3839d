//! `cargo run --example database`: real SQLite through sqlx. A read pool of 4 and a writer pool
//! of 1 with `BEGIN IMMEDIATE` (no SQLITE_BUSY) beside the deferred version (SQLITE_BUSY), a
//! transfer that rolls back, user + orders + profile with `try_join!`, and the in-memory
//! database a pool of 4 splits into four.
//!
//! Runs on the real clock ([`real_world::run_real_time`] ignores `TRANSCRIPT_CLOCK`) and prints
//! counts and outcomes only, so its transcript is the same on every run.

fn main() -> anyhow::Result<()> {
    real_world::run_real_time(|t| async move { real_world::database::scenario(&t).await })
}
