//! The 1 ms timer grid: ten sleeps of 1.5 ms take 20 ms, because each ends on the next whole
//! millisecond; ten sleeps of 10 ms in a loop add each late wake-up to the next, ten ticks of a
//! 10 ms interval keep their schedule.
//!
//! Run: `cargo run -p primer --example timer_grid`
//!
//! Expected output (the golden transcript `timer_grid.txt` beside this file):
//! ```text
//! [+0.000s] 10 sleeps of 1.5 ms
//! [+0.020s] done: each ended on the next whole millisecond
//! ...
//! ```

use std::time::Duration;

use primer::timer_grid;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.line("10 sleeps of 1.5 ms");
    timer_grid::sleep_loop(10, Duration::from_micros(1500)).await;
    t.line("done: each ended on the next whole millisecond");
    t.line("10 sleeps of 10 ms");
    timer_grid::sleep_loop(10, Duration::from_millis(10)).await;
    t.line("done: at least 100 ms later, more on a real clock");
    t.line("10 ticks of a 10 ms interval");
    timer_grid::interval_loop(10, Duration::from_millis(10)).await;
    t.line("done: 100 ms later, on schedule");
    Ok(())
}
