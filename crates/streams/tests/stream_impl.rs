//! A hand-written `Stream` on the paused clock: same timing as the generator, lazy until polled,
//! woken by its timer (never a busy loop), fused, with an exact size hint.

use std::pin::pin;
use std::time::Duration;

use futures::stream::FusedStream;
use futures::{Stream, StreamExt};
use streams::{Paced, numbers};
use tokio::time::Instant;
use tokio_test::{assert_pending, assert_ready};

const GAP: Duration = Duration::from_millis(100);

fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a paused runtime builds")
}

#[tokio::test(start_paused = true)]
async fn paced_matches_the_generator_item_for_item_and_stamp_for_stamp() {
    let start = Instant::now();
    let mut by_hand = Vec::new();
    let mut paced = pin!(Paced::new(1..=4u32, GAP));
    while let Some(n) = paced.next().await {
        by_hand.push((n, start.elapsed()));
    }
    let start = Instant::now();
    let mut generated = Vec::new();
    let mut gen_stream = pin!(numbers(4, GAP));
    while let Some(n) = gen_stream.next().await {
        generated.push((n, start.elapsed()));
    }
    assert_eq!(by_hand, generated);
}

#[tokio::test(start_paused = true)]
async fn the_clock_starts_at_the_first_poll_not_at_construction() {
    let start = Instant::now();
    let mut paced = pin!(Paced::new(["late"], GAP));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(paced.next().await, Some("late"));
    assert_eq!(start.elapsed(), Duration::from_secs(1) + GAP);
}

#[tokio::test(start_paused = true)]
async fn an_empty_source_ends_at_once() {
    let start = Instant::now();
    let mut paced = pin!(Paced::new(Vec::<u8>::new(), GAP));
    assert!(paced.is_terminated());
    assert_eq!(paced.next().await, None);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn size_hint_counts_down_and_the_stream_is_fused() {
    let mut paced = pin!(Paced::new([1, 2], GAP));
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
    paused_runtime().block_on(async {
        let mut paced = tokio_test::task::spawn(Paced::new(["x"], GAP));
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
    let mut odd = pin!(Paced::new((1..=4).filter(|n| n % 2 == 1), GAP));
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
