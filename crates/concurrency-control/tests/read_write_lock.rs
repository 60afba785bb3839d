//! The read/write lock on the paused clock: readers overlap, a writer waits for them, and later
//! readers queue behind a waiting writer.

use std::time::Duration;

use basics::ConfigError;
use concurrency_control::SharedState;
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
fn a_reader_limit_of_zero_or_past_the_maximum_is_a_config_error_not_a_panic() {
    assert_eq!(
        SharedState::with_max_readers(0u8, 0).err(),
        Some(ConfigError::Zero {
            name: "max_readers"
        })
    );
    assert!(matches!(
        SharedState::with_max_readers(0u8, usize::MAX),
        Err(ConfigError::TooLarge {
            name: "max_readers",
            ..
        })
    ));
}

#[tokio::test]
async fn clones_share_the_value_and_the_last_one_takes_it() {
    let state = SharedState::new(5u8);
    let clone = state.clone();
    *clone.write().await += 1;
    assert_eq!(*state.read().await, 6);
    assert_eq!(state.into_inner(), None, "a clone is still alive");
    assert_eq!(clone.into_inner(), Some(6));
}
