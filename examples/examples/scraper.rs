//! `cargo run --example scraper`: crawl a local site to depth 2 with one pooled client, at most
//! 16 requests at once; compare a client per request; then a timeout, `Retry-After` retries, a
//! POST that is not retried and a connection reset mid-body.
//!
//! Runs on the real clock ([`real_world::run_real_time`] ignores `TRANSCRIPT_CLOCK`) and prints
//! counts and outcomes only, so its transcript is the same on every run. On a terminal the
//! crawl's progress is an indicatif bar; otherwise a line at every 10%.

fn main() -> anyhow::Result<()> {
    real_world::run_real_time(|t| async move { real_world::scraper::scenario(&t).await })
}
