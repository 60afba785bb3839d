//! Timers fire on whole milliseconds; an interval keeps its schedule.

use primer::timer_grid::{interval_loop, sleep_loop};
use testing::ms;

#[tokio::test(start_paused = true)]
async fn a_sleep_ends_on_the_next_whole_millisecond() {
    assert_eq!(
        sleep_loop(10, std::time::Duration::from_micros(1500)).await,
        ms(20)
    );
    assert_eq!(
        sleep_loop(10, std::time::Duration::from_micros(1)).await,
        ms(10)
    );
    assert_eq!(sleep_loop(10, ms(10)).await, ms(100));
}

#[tokio::test(start_paused = true)]
async fn an_interval_ticks_on_schedule_even_after_a_late_tick() {
    assert_eq!(interval_loop(10, ms(10)).await, ms(100));
}
