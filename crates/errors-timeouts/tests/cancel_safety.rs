//! The cancellation-safety lab: each lossy/lossless pair, and every row of the docs' table of
//! common calls, asserted on the paused clock. Each test races the call against a fast ticker in
//! a `select!`, so the call is dropped mid-way many times.

use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use basics::ConfigError;
use errors_timeouts::cancel_safety::{
    Heartbeat, acquire_pinned, acquire_recreated, fetch_pinned, fetch_recreated,
    frames_with_read_buf, frames_with_read_exact, relay_six_to_a_slow_reader, relay_with_reserve,
    relay_with_send,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{Mutex, Semaphore, broadcast, mpsc, oneshot, watch};
use tokio::time::{Instant, interval, sleep};

const TICK: Duration = Duration::from_millis(10);

// ---- pair 1: send vs reserve -------------------------------------------------------------------

async fn relay_six_items(lossless: bool) -> Vec<u32> {
    let period = Heartbeat::new(Duration::from_millis(100)).expect("a valid period");
    let (_, received) = if lossless {
        relay_six_to_a_slow_reader(|i, o| relay_with_reserve(i, o, period)).await
    } else {
        relay_six_to_a_slow_reader(|i, o| relay_with_send(i, o, period)).await
    };
    received
}

#[tokio::test(start_paused = true)]
async fn send_in_a_select_loses_messages() {
    let received = relay_six_items(false).await;
    assert!(received.len() < 6, "items were lost: {received:?}");
    assert_eq!(received, [1, 2, 5]);
}

#[tokio::test(start_paused = true)]
async fn reserve_in_a_select_loses_nothing() {
    assert_eq!(relay_six_items(true).await, [1, 2, 3, 4, 5, 6]);
}

// ---- pair 2: a future re-created each turn vs pinned -------------------------------------------

fn messages_every_300ms(count: u32) -> mpsc::Receiver<u32> {
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        for n in 0..count {
            sleep(Duration::from_millis(300)).await;
            if tx.send(n).await.is_err() {
                break;
            }
        }
    });
    rx
}

#[tokio::test(start_paused = true)]
async fn a_re_created_fetch_restarts_every_turn() {
    let start = Instant::now();
    let done = fetch_recreated(|| sleep(Duration::from_secs(1)), messages_every_300ms(5)).await;
    assert_eq!(done.starts, 7, "5 messages + the close each restarted it");
    assert_eq!(done.messages, 5);
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(2_500),
        "1.5 s of messages, then 1 s"
    );
}

#[tokio::test(start_paused = true)]
async fn a_pinned_fetch_finishes_once_on_time() {
    let start = Instant::now();
    let done = fetch_pinned(|| sleep(Duration::from_secs(1)), messages_every_300ms(5)).await;
    assert_eq!(done.starts, 1);
    assert_eq!(
        done.messages, 3,
        "messages at 0.3, 0.6, 0.9 s were handled meanwhile"
    );
    assert_eq!(start.elapsed(), Duration::from_secs(1));
}

// ---- pair 3: read_exact vs buffered framing ----------------------------------------------------

fn frames_in_halves() -> tokio::io::DuplexStream {
    let (mut writer, reader) = tokio::io::duplex(64);
    tokio::spawn(async move {
        for frame in 1u32..=4 {
            for half in frame.to_be_bytes().chunks(2) {
                if writer.write_all(half).await.is_err() {
                    return;
                }
                sleep(Duration::from_millis(150)).await;
            }
        }
    });
    reader
}

#[tokio::test(start_paused = true)]
async fn read_exact_in_a_select_loses_bytes() {
    let period = Heartbeat::new(Duration::from_millis(100)).expect("a valid period");
    let out = frames_with_read_exact(frames_in_halves(), period)
        .await
        .expect("no I/O error");
    // A heartbeat falls between every two halves (0.1 s < 0.15 s), so every `read_exact` is
    // dropped holding at most half a frame: all 16 bytes are lost, not one frame decodes.
    assert_eq!(out.frames, [0u32; 0], "half-read frames were dropped");
    assert!(out.heartbeats > 0);
}

#[tokio::test(start_paused = true)]
async fn read_buf_framing_loses_nothing() {
    let period = Heartbeat::new(Duration::from_millis(100)).expect("a valid period");
    let out = frames_with_read_buf(frames_in_halves(), period)
        .await
        .expect("no I/O error");
    assert_eq!(out.frames, [1, 2, 3, 4]);
    assert!(out.heartbeats > 0);
}

// ---- pair 4: a place in a fair queue -----------------------------------------------------------

/// A holds from 0 s with a 0.3 s heartbeat, B queues plainly at 0.1 s, the permit is freed at
/// 1 s: who is served first?
async fn who_is_served_first(pinned: bool) -> Vec<&'static str> {
    let semaphore = Arc::new(Semaphore::new(1));
    let held = Arc::clone(&semaphore).acquire_owned().await.expect("open");
    let order = Arc::new(StdMutex::new(Vec::new()));
    let a = tokio::spawn({
        let (semaphore, order) = (Arc::clone(&semaphore), Arc::clone(&order));
        async move {
            let period = Heartbeat::new(Duration::from_millis(300)).expect("a valid period");
            let (_permit, heartbeats) = if pinned {
                acquire_pinned(&semaphore, period).await
            } else {
                acquire_recreated(&semaphore, period).await
            }
            .expect("open");
            assert_eq!(heartbeats, 3);
            order.lock().expect("not poisoned").push("A");
        }
    });
    let b = tokio::spawn({
        let (semaphore, order) = (Arc::clone(&semaphore), Arc::clone(&order));
        async move {
            sleep(Duration::from_millis(100)).await;
            let _permit = semaphore.acquire().await.expect("open");
            order.lock().expect("not poisoned").push("B");
        }
    });
    sleep(Duration::from_secs(1)).await;
    drop(held);
    a.await.expect("no panic");
    b.await.expect("no panic");
    order.lock().expect("not poisoned").clone()
}

#[tokio::test(start_paused = true)]
async fn a_re_created_acquire_loses_its_place_in_the_queue() {
    assert_eq!(who_is_served_first(false).await, ["B", "A"]);
}

#[tokio::test(start_paused = true)]
async fn a_pinned_acquire_keeps_its_place_in_the_queue() {
    assert_eq!(who_is_served_first(true).await, ["A", "B"]);
}

#[tokio::test(start_paused = true)]
async fn a_re_created_lock_loses_its_place_in_the_queue() {
    let mutex = Arc::new(Mutex::new(Vec::new()));
    let held = Arc::clone(&mutex).lock_owned().await;
    let a = tokio::spawn({
        let mutex = Arc::clone(&mutex);
        async move {
            let mut ticker = interval(Duration::from_millis(300));
            loop {
                tokio::select! {
                    mut guard = mutex.lock() => { guard.push("A"); break; }
                    _ = ticker.tick() => {}
                }
            }
        }
    });
    let b = tokio::spawn({
        let mutex = Arc::clone(&mutex);
        async move {
            sleep(Duration::from_millis(100)).await;
            mutex.lock().await.push("B");
        }
    });
    sleep(Duration::from_secs(1)).await;
    drop(held);
    a.await.expect("no panic");
    b.await.expect("no panic");
    assert_eq!(*mutex.lock().await, ["B", "A"]);
}

// ---- the table's other rows --------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn mpsc_recv_in_a_select_loses_nothing() {
    let (tx, mut rx) = mpsc::channel(4);
    tokio::spawn(async move {
        for n in 0..20 {
            sleep(Duration::from_millis(15)).await;
            tx.send(n).await.expect("open");
        }
    });
    let mut ticker = interval(TICK);
    let (mut got, mut ticks) = (Vec::new(), 0);
    loop {
        tokio::select! {
            item = rx.recv() => match item { Some(n) => got.push(n), None => break },
            _ = ticker.tick() => ticks += 1,
        }
    }
    assert_eq!(got, (0..20).collect::<Vec<_>>());
    assert!(ticks > 20, "recv was dropped many times");
}

#[tokio::test(start_paused = true)]
async fn broadcast_recv_in_a_select_loses_nothing() {
    let (tx, mut rx) = broadcast::channel(32);
    tokio::spawn(async move {
        for n in 0..20 {
            sleep(Duration::from_millis(15)).await;
            tx.send(n).expect("a receiver");
        }
    });
    let mut ticker = interval(TICK);
    let mut got = Vec::new();
    loop {
        tokio::select! {
            item = rx.recv() => match item { Ok(n) => got.push(n), Err(_) => break },
            _ = ticker.tick() => {}
        }
    }
    assert_eq!(got, (0..20).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn watch_changed_in_a_select_loses_no_update() {
    let (tx, mut rx) = watch::channel(0);
    tokio::spawn(async move {
        for n in 1..=5 {
            sleep(Duration::from_millis(25)).await;
            tx.send(n).expect("a receiver");
        }
    });
    let mut ticker = interval(TICK);
    let mut seen = Vec::new();
    loop {
        tokio::select! {
            changed = rx.changed() => match changed {
                Ok(()) => seen.push(*rx.borrow_and_update()),
                Err(_) => break,
            },
            _ = ticker.tick() => {}
        }
    }
    assert_eq!(seen, [1, 2, 3, 4, 5]);
}

#[tokio::test(start_paused = true)]
async fn a_join_handle_or_oneshot_polled_by_reference_loses_nothing() {
    let mut handle = tokio::spawn(async {
        sleep(Duration::from_millis(95)).await;
        "task output"
    });
    let (tx, mut rx) = oneshot::channel();
    tokio::spawn(async move {
        sleep(Duration::from_millis(55)).await;
        tx.send("oneshot value").expect("receiver alive");
    });
    let mut ticker = interval(TICK);
    let (mut task_output, mut value) = (None, None);
    while task_output.is_none() || value.is_none() {
        tokio::select! {
            out = &mut handle, if task_output.is_none() => task_output = Some(out.expect("no panic")),
            got = &mut rx, if value.is_none() => value = Some(got.expect("sent")),
            _ = ticker.tick() => {}
        }
    }
    assert_eq!(
        (task_output, value),
        (Some("task output"), Some("oneshot value"))
    );
}

#[tokio::test(start_paused = true)]
async fn read_in_a_select_loses_nothing() {
    let mut reader = frames_in_halves();
    let mut ticker = interval(TICK);
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 16];
    loop {
        tokio::select! {
            read = reader.read(&mut chunk) => match read.expect("no I/O error") {
                0 => break,
                n => bytes.extend_from_slice(&chunk[..n]),
            },
            _ = ticker.tick() => {}
        }
    }
    let expected: Vec<u8> = (1u32..=4).flat_map(u32::to_be_bytes).collect();
    assert_eq!(bytes, expected);
}

#[tokio::test(start_paused = true)]
async fn write_all_in_a_select_can_stop_half_way() {
    // A 4-byte pipe read slowly: `write_all` of 16 bytes is cut off by the ticker after the
    // first 4 are written, and a caller that retries the whole buffer would write them twice.
    let (mut writer, mut reader) = tokio::io::duplex(4);
    let message = *b"0123456789abcdef";
    let cut_off = tokio::select! {
        written = writer.write_all(&message) => { written.expect("open"); false }
        () = sleep(Duration::from_millis(5)) => true,
    };
    assert!(cut_off, "write_all was dropped mid-way");
    drop(writer);
    let mut arrived = Vec::new();
    reader
        .read_to_end(&mut arrived)
        .await
        .expect("no I/O error");
    assert_eq!(
        arrived, b"0123",
        "part of the message went out, and nothing says how much"
    );
}

/// Issue 10, item 9: a zero heartbeat period is refused, not a panic inside tokio's `interval`
/// (and a `Duration::MAX` one is not an `Instant` overflow).
#[tokio::test(start_paused = true)]
async fn a_zero_or_too_long_heartbeat_period_is_a_config_error() {
    assert_eq!(
        Heartbeat::new(Duration::ZERO),
        Err(ConfigError::Zero { name: "period" })
    );
    assert!(matches!(
        Heartbeat::new(Duration::MAX),
        Err(ConfigError::TooLong { name: "period", .. })
    ));
    // The longest period is accepted and the relay runs with it.
    let longest = Heartbeat::new(basics::config::MAX_DURATION).expect("365 days is valid");
    let (input_tx, input_rx) = mpsc::channel(1);
    let (output_tx, mut output_rx) = mpsc::channel(1);
    input_tx.send(7).await.expect("open");
    drop(input_tx);
    let relay = relay_with_reserve(input_rx, output_tx, longest).await;
    assert_eq!((relay.forwarded, relay.heartbeats), (1, 0));
    assert_eq!(output_rx.recv().await, Some(7));
}
