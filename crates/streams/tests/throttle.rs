//! Throttle and per-item timeout on the paused clock: the rate cap, no extra delay on a slow
//! source, giving up on a stall, and bad input; a proptest that no two items pass closer than
//! the period.

use std::time::Duration;

use futures::{Stream, StreamExt};
use proptest::prelude::*;
use streams::{Stalled, ThrottleError, throttle, until_stalled};
use tokio::time::{Instant, sleep};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

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
async fn a_rate_or_timeout_of_zero_is_a_typed_error() {
    let source = || futures::stream::iter([1]);
    assert_eq!(throttle(source(), 0).err(), Some(ThrottleError::ZeroRate));
    assert_eq!(
        until_stalled(source(), Duration::ZERO).err(),
        Some(ThrottleError::ZeroTimeout)
    );
    assert_eq!(
        ThrottleError::ZeroRate.to_string(),
        "rate must be at least 1 item a second"
    );
}

proptest! {
    #[test]
    fn no_two_items_pass_closer_than_the_period_and_none_is_lost(
        gaps in proptest::collection::vec(0u64..400, 0..30),
        per_second in 1u32..20,
    ) {
        let count = gaps.len();
        let period = 1_000 / u64::from(per_second);
        let at: Vec<u64> = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("a paused runtime builds")
            // `throttle` makes its timer at once, so it is called inside the runtime.
            .block_on(async { stamps(throttle(arrivals(gaps), per_second).unwrap()).await });
        prop_assert_eq!(at.len(), count);
        for pair in at.windows(2) {
            prop_assert!(pair[1] - pair[0] >= period, "{:?} closer than {}", pair, period);
        }
    }
}
