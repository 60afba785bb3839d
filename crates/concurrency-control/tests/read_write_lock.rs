//! The read/write lock on the paused clock: readers overlap, a writer waits for them, and later
//! readers queue behind a waiting writer.

use std::time::Duration;

use concurrency_control::{MaxReadersError, SharedState};
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn many_readers_overlap_and_a_queued_writer_goes_before_later_readers() {
    let state = SharedState::new(1u32);
    let start = Instant::now();
    let reader = |arrive: u64| {
        let state = &state;
        async move {
            sleep(Duration::from_millis(arrive)).await;
            let value = state.read().await;
            let got_at = start.elapsed();
            sleep(Duration::from_millis(100)).await;
            (got_at.as_millis(), *value)
        }
    };
    let writer = async {
        sleep(Duration::from_millis(50)).await;
        let mut value = state.write().await;
        let got_at = start.elapsed();
        sleep(Duration::from_millis(100)).await;
        *value += 1;
        got_at.as_millis()
    };
    let (a, b, c, w, late) = tokio::join!(reader(0), reader(0), reader(0), writer, reader(60));
    assert_eq!([a, b, c], [(0, 1); 3], "three readers at once");
    assert_eq!(w, 100, "the writer waits for the readers");
    assert_eq!(
        late,
        (200, 2),
        "a reader after a waiting writer queues behind it"
    );
    assert_eq!(start.elapsed(), Duration::from_millis(300));
}

#[tokio::test(start_paused = true)]
async fn a_reader_limit_caps_concurrent_readers() {
    let state = SharedState::with_max_readers((), 2).expect("valid");
    let start = Instant::now();
    let read = || async {
        let _guard = state.read().await;
        sleep(Duration::from_millis(100)).await;
    };
    tokio::join!(read(), read(), read());
    assert_eq!(start.elapsed(), Duration::from_millis(200));
}

#[test]
fn a_reader_limit_of_zero_is_an_error_not_a_panic() {
    assert_eq!(
        SharedState::with_max_readers(0u8, 0).err(),
        Some(MaxReadersError(0))
    );
    assert!(SharedState::with_max_readers(0u8, u32::MAX).is_err());
    assert_eq!(SharedState::new(5u8).into_inner(), 5);
}
