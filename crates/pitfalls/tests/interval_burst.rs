//! Interval burst after a stall: with the default behavior the missed ticks fire back to back;
//! with `Delay` the schedule moves.

use basics::ConfigError;
use pitfalls::interval_burst;
use std::time::Duration;
use testing::ms;

#[tokio::test(start_paused = true)]
async fn the_default_interval_bursts_the_missed_ticks() -> anyhow::Result<()> {
    let interval = interval_burst::ticker_default(ms(100))?;
    let times = interval_burst::tick_times(interval, 8, 2, ms(350)).await;
    let expected = [0, 100, 200, 550, 550, 550, 600, 700].map(ms);
    assert_eq!(times, expected);
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn delay_moves_the_schedule_after_a_late_tick() -> anyhow::Result<()> {
    let interval = interval_burst::ticker(ms(100))?;
    let times = interval_burst::tick_times(interval, 8, 2, ms(350)).await;
    let expected = [0, 100, 200, 550, 650, 750, 850, 950].map(ms);
    assert_eq!(times, expected);
    Ok(())
}

#[test]
fn a_zero_period_is_a_config_error_not_tokios_panic() {
    assert_eq!(
        interval_burst::ticker(Duration::ZERO).err(),
        Some(ConfigError::Zero { name: "period" })
    );
}
