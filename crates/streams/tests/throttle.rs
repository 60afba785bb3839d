//! Throttle and per-item timeout on the paused clock: the rate cap, no extra delay on a slow
//! source, giving up on a stall, and bad input; a proptest that no two items pass closer than
//! the period.

use std::time::Duration;

use basics::ConfigError;
use basics::config::MAX_DURATION;
use futures::{Stream, StreamExt};
use proptest::prelude::*;
use streams::{MAX_RATE, Stalled, throttle, until_stalled};
use testing::ms;
use tokio::time::{Instant, sleep};

fn arrivals(gaps: Vec<u64>) -> impl Stream<Item = usize> {
    futures::stream::iter(gaps.into_iter().enumerate()).then(|(index, gap)| async move {
        sleep(ms(gap)).await;
        index
    })
}

async fn stamps<S: Stream>(stream: S) -> Vec<u64> {
    let start = Instant::now();
    stream
        .map(|_| start.elapsed().as_millis() as u64)
        .collect()
        .await
}

#[tokio::test(start_paused = true)]
async fn five_a_second_spaces_ready_items_two_tenths_apart() {
    let at = stamps(throttle(futures::stream::iter(0..8), 5).unwrap()).await;
    assert_eq!(at, [0, 200, 400, 600, 800, 1_000, 1_200, 1_400]);
}

#[tokio::test(start_paused = true)]
async fn a_lazy_source_is_polled_only_after_the_period_so_its_delays_add_up() {
    // tokio-stream's throttle waits out the period before polling the source again, and this
    // source starts its 300 ms only when polled: 300, then 200 + 300, then 200 + 300.
    let at = stamps(throttle(arrivals(vec![300, 300, 300]), 5).unwrap()).await;
    assert_eq!(at, [300, 800, 1_300]);
}

#[tokio::test(start_paused = true)]
async fn a_source_that_runs_on_its_own_is_not_slowed_further() {
    // A channel fed by another task keeps producing during the period: gaps stay 300 ms.
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let producer = tokio::spawn(async move {
        for index in 0..3 {
            sleep(ms(300)).await;
            tx.send(index).await.expect("the receiver lives");
        }
    });
    let at = stamps(throttle(tokio_stream::wrappers::ReceiverStream::new(rx), 5).unwrap()).await;
    assert_eq!(at, [300, 600, 900]);
    producer.await.expect("the producer does not panic");
}

#[tokio::test(start_paused = true)]
async fn a_stalled_source_gives_its_items_then_one_error_then_the_end() {
    let start = Instant::now();
    let source = arrivals(vec![100, 100, 100]).chain(futures::stream::pending());
    let items: Vec<Result<usize, Stalled>> =
        until_stalled(source, ms(500)).unwrap().collect().await;
    assert_eq!(
        items,
        [Ok(0), Ok(1), Ok(2), Err(Stalled { limit: ms(500) })]
    );
    assert_eq!(
        start.elapsed(),
        ms(800),
        "given up 0.5 s after the last item"
    );
}

#[tokio::test(start_paused = true)]
async fn the_timer_restarts_with_every_item() {
    // Each gap is under the limit though the whole stream takes far longer than it.
    let items: Vec<_> = until_stalled(arrivals(vec![400; 5]), ms(500))
        .unwrap()
        .collect()
        .await;
    assert!(items.iter().all(Result::is_ok));
    assert_eq!(items.len(), 5);
}

#[tokio::test(start_paused = true)]
async fn a_source_that_never_yields_is_stalled_from_the_first_poll() {
    let start = Instant::now();
    let items: Vec<Result<u8, Stalled>> = until_stalled(futures::stream::pending(), ms(300))
        .unwrap()
        .collect()
        .await;
    assert_eq!(items, [Err(Stalled { limit: ms(300) })]);
    assert_eq!(start.elapsed(), ms(300));
}

#[tokio::test(start_paused = true)]
async fn a_rate_or_timeout_of_zero_is_a_config_error() {
    let source = || futures::stream::iter([1]);
    assert_eq!(
        throttle(source(), 0).err(),
        Some(ConfigError::Zero { name: "per_second" })
    );
    assert_eq!(
        until_stalled(source(), Duration::ZERO).err(),
        Some(ConfigError::Zero { name: "limit" })
    );
    assert_eq!(
        ConfigError::Zero { name: "per_second" }.to_string(),
        "per_second must not be zero"
    );
}

// Before, a rate past 10^9 a second made a period of 0 ns: the throttle let everything through.
#[tokio::test(start_paused = true)]
async fn a_rate_the_timer_cannot_keep_is_too_large() {
    let source = || futures::stream::iter([1]);
    for rate in [MAX_RATE + 1, usize::MAX] {
        assert_eq!(
            throttle(source(), rate).err(),
            Some(ConfigError::TooLarge {
                name: "per_second",
                value: rate,
                max: MAX_RATE,
            })
        );
    }
    let at = stamps(throttle(futures::stream::iter(0..3), MAX_RATE).unwrap()).await;
    assert_eq!(at, [0, 1, 2], "one a millisecond, the timer's finest step");
}

// Issue 10, item 9: tokio-stream's `timeout` adds the limit to the current instant, so
// `Duration::MAX` panicked at the first poll ("overflow when adding duration to instant").
#[tokio::test(start_paused = true)]
async fn a_timeout_of_duration_max_is_too_long_not_a_panic_at_the_first_poll() {
    assert_eq!(
        until_stalled(futures::stream::iter([1]), Duration::MAX).err(),
        Some(ConfigError::TooLong {
            name: "limit",
            value: Duration::MAX,
            max: MAX_DURATION,
        })
    );
    let start = Instant::now();
    let items: Vec<Result<u8, Stalled>> = until_stalled(futures::stream::pending(), MAX_DURATION)
        .unwrap()
        .collect()
        .await;
    assert_eq!(
        items,
        [Err(Stalled {
            limit: MAX_DURATION
        })]
    );
    assert_eq!(
        start.elapsed(),
        MAX_DURATION,
        "the longest limit still fires"
    );
}

proptest! {
    #[test]
    fn no_two_items_pass_closer_than_the_period_and_none_is_lost(
        gaps in proptest::collection::vec(0u64..400, 0..30),
        per_second in 1usize..20,
    ) {
        let count = gaps.len();
        let period = 1_000 / per_second as u64;
        let at: Vec<u64> = testing::paused_runtime()
            // `throttle` makes its timer at once, so it is called inside the runtime.
            .block_on(async { stamps(throttle(arrivals(gaps), per_second).unwrap()).await });
        prop_assert_eq!(at.len(), count);
        for pair in at.windows(2) {
            prop_assert!(pair[1] - pair[0] >= period, "{:?} closer than {}", pair, period);
        }
    }
}
