//! A pinned deadline fires on time inside a `select!` loop; one recreated every turn never does.

use primer::pinning::{pinned_deadline, restarted_deadline, sum_stream};
use testing::ms;
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn the_pinned_deadline_fires_after_three_ticks() {
    let start = Instant::now();
    assert_eq!(pinned_deadline(ms(100), ms(350), |_| {}).await, 3);
    assert_eq!(start.elapsed(), ms(350));
}

#[tokio::test(start_paused = true)]
async fn a_deadline_recreated_each_turn_never_fires() {
    let start = Instant::now();
    assert_eq!(restarted_deadline(ms(100), ms(350), 20, |_| {}).await, 20);
    assert_eq!(start.elapsed(), ms(2_000), "20 ticks, no deadline");
    // Slower ticks than the deadline: then it does fire, 350 ms into the first turn.
    let start = Instant::now();
    assert_eq!(restarted_deadline(ms(400), ms(350), 20, |_| {}).await, 0);
    assert_eq!(start.elapsed(), ms(350));
}

#[tokio::test(start_paused = true)]
async fn a_pinned_stream_yields_every_item() {
    let start = Instant::now();
    assert_eq!(sum_stream(4, ms(50)).await, 10);
    assert_eq!(start.elapsed(), ms(200));
}
