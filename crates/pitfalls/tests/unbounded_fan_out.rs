//! Unbounded fan-out: 100 000 jobs spawned at once are all in flight together; bounded, at most
//! the limit is, and the run takes proportionally longer on tokio's paused clock.

use std::future::Future;

use basics::ConfigError;
use pitfalls::unbounded_fan_out::{self, BoundedFanOut};
use testing::{InFlight, ms};
use tokio::time::Instant;

const ITEMS: usize = 100_000;

/// A 10 ms job that counts itself in flight.
fn job(witness: &InFlight) -> impl Fn(usize) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
    let witness = witness.clone();
    move |_item| {
        let witness = witness.clone();
        Box::pin(async move {
            let _in_flight = witness.enter();
            tokio::time::sleep(ms(10)).await;
        })
    }
}

#[tokio::test(start_paused = true)]
async fn spawning_every_item_at_once_puts_all_of_them_in_flight() -> anyhow::Result<()> {
    let witness = InFlight::new();
    let start = Instant::now();
    let finished = unbounded_fan_out::run_all_at_once(ITEMS, job(&witness)).await?;
    assert_eq!(finished, ITEMS);
    assert_eq!(witness.max(), ITEMS);
    assert_eq!(start.elapsed(), ms(10));
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn a_bounded_fan_out_keeps_at_most_the_limit_in_flight() -> anyhow::Result<()> {
    let witness = InFlight::new();
    let start = Instant::now();
    let finished = BoundedFanOut::new(100)?.run(ITEMS, job(&witness)).await?;
    assert_eq!(finished, ITEMS);
    assert_eq!(witness.max(), 100);
    assert_eq!(start.elapsed(), ms(10) * 1_000, "1 000 waves of 100");
    Ok(())
}

#[test]
fn a_limit_of_zero_is_a_config_error() {
    assert_eq!(
        BoundedFanOut::new(0).err(),
        Some(ConfigError::Zero { name: "limit" })
    );
}
