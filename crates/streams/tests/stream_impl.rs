//! A hand-written `Stream` on the paused clock: same timing as the generator, lazy until polled,
//! woken by its timer (never a busy loop), fused, with an exact size hint.

use std::pin::pin;
use std::time::Duration;

use basics::ConfigError;
use basics::config::MAX_DURATION;
use futures::stream::FusedStream;
use futures::{Stream, StreamExt};
use streams::{Paced, numbers};
use tokio::time::Instant;
use tokio_test::{assert_pending, assert_ready};

const GAP: Duration = Duration::from_millis(100);

#[tokio::test(start_paused = true)]
async fn paced_matches_the_generator_item_for_item_and_stamp_for_stamp() {
    let start = Instant::now();
    let mut by_hand = Vec::new();
    let mut paced = pin!(Paced::new(1..=4u32, GAP).unwrap());
    while let Some(n) = paced.next().await {
        by_hand.push((n, start.elapsed()));
    }
    let start = Instant::now();
    let mut generated = Vec::new();
    let mut gen_stream = pin!(numbers(4, GAP).unwrap());
    while let Some(n) = gen_stream.next().await {
        generated.push((n, start.elapsed()));
    }
    assert_eq!(by_hand, generated);
}

#[tokio::test(start_paused = true)]
async fn the_clock_starts_at_the_first_poll_not_at_construction() {
    let start = Instant::now();
    let mut paced = pin!(Paced::new(["late"], GAP).unwrap());
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(paced.next().await, Some("late"));
    assert_eq!(start.elapsed(), Duration::from_secs(1) + GAP);
}

#[tokio::test(start_paused = true)]
async fn an_empty_source_ends_at_once() {
    let start = Instant::now();
    let mut paced = pin!(Paced::new(Vec::<u8>::new(), GAP).unwrap());
    assert!(paced.is_terminated());
    assert_eq!(paced.next().await, None);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn size_hint_counts_down_and_the_stream_is_fused() {
    let mut paced = pin!(Paced::new([1, 2], GAP).unwrap());
    assert_eq!(paced.size_hint(), (2, Some(2)));
    assert_eq!(paced.next().await, Some(1));
    assert_eq!(paced.size_hint(), (1, Some(1)));
    assert!(!paced.is_terminated());
    assert_eq!(paced.next().await, Some(2));
    assert!(paced.is_terminated());
    assert_eq!(paced.next().await, None);
    assert_eq!(paced.next().await, None);
}

#[test]
fn pending_until_the_gap_then_ready_and_the_task_is_woken() {
    testing::paused_runtime().block_on(async {
        let mut paced = tokio_test::task::spawn(Paced::new(["x"], GAP).unwrap());
        assert_pending!(paced.poll_next());
        tokio::time::advance(GAP / 2).await;
        assert_pending!(paced.poll_next());
        assert!(!paced.is_woken(), "no wake before the deadline");
        tokio::time::advance(GAP / 2).await;
        assert!(
            paced.is_woken(),
            "the timer woke the task: no busy polling needed"
        );
        assert_eq!(assert_ready!(paced.poll_next()), Some("x"));
        assert_eq!(assert_ready!(paced.poll_next()), None);
    });
}

#[tokio::test(start_paused = true)]
async fn fused_is_honest_for_a_source_whose_length_is_unknown() {
    // A filtered iterator cannot say how many items remain: the stream may only claim to be
    // terminated once it has found (and returned) the end, and then must keep saying so.
    let mut odd = pin!(Paced::new((1..=4).filter(|n| n % 2 == 1), GAP).unwrap());
    assert!(!odd.is_terminated());
    assert_eq!(odd.next().await, Some(1));
    assert_eq!(odd.next().await, Some(3));
    assert!(!odd.is_terminated(), "4 is still in the source, unfiltered");
    let start = Instant::now();
    assert_eq!(odd.next().await, None);
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "no gap is slept for nothing"
    );
    assert!(odd.is_terminated());
    assert_eq!(odd.next().await, None);
}

// Before, `Duration::MAX` was accepted and the first item never came (tokio's timer turns a
// deadline past its range into "never"); zero is "no wait".
#[tokio::test(start_paused = true)]
async fn a_gap_of_duration_max_is_too_long_and_zero_does_not_wait() {
    assert_eq!(
        Paced::new([1], Duration::MAX).err(),
        Some(ConfigError::TooLong {
            name: "gap",
            value: Duration::MAX,
            max: MAX_DURATION,
        })
    );
    let start = Instant::now();
    let all: Vec<u8> = Paced::new([1, 2, 3], Duration::ZERO)
        .unwrap()
        .collect()
        .await;
    assert_eq!(all, [1, 2, 3]);
    assert_eq!(start.elapsed(), Duration::ZERO);
}
