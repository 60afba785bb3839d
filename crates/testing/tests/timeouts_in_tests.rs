//! Timeouts in tests: virtual time asserted exactly, and the paused clock's traps.

use std::time::Duration;

use testing::timeouts_in_tests::{FetchError, SlowPeer, fetch_with_timeout, wait_real};
use testing::{FakeService, Script, Step, ms};
use tokio::io::AsyncReadExt as _;
use tokio::time::Instant;

// ANCHOR: exact
#[tokio::test(start_paused = true)]
async fn a_timeout_fires_at_exactly_its_budget() {
    let slow = FakeService::new("slow", Script::new().then(Step::ok_after(ms(30_000))));
    let start = Instant::now();
    let outcome = fetch_with_timeout(&slow, ms(2_000)).await;
    assert_eq!(outcome, Err(FetchError::TimedOut(ms(2_000))));
    assert_eq!(start.elapsed(), ms(2_000)); // exact: the clock only moves timer to timer
    assert_eq!(slow.stats().cancelled, 1); // and the call was really dropped
}

#[tokio::test(start_paused = true)]
async fn a_reply_inside_the_budget_arrives_at_its_latency() {
    let quick = FakeService::new("quick", Script::new().then(Step::ok_after(ms(750))));
    let start = Instant::now();
    assert_eq!(
        fetch_with_timeout(&quick, ms(2_000)).await.as_deref(),
        Ok("quick reply 1")
    );
    assert_eq!(start.elapsed(), ms(750));
}
// ANCHOR_END: exact

// ANCHOR: advance
#[tokio::test(start_paused = true)]
async fn advance_jumps_once_but_sleep_lets_every_timer_fire_in_order() {
    // A task with two 1 s steps: each timer is registered only when the previous one fired.
    let (tx, mut steps) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        for step in 1..=2 {
            tokio::time::sleep(ms(1_000)).await;
            let _ = tx.send(step);
        }
    });
    tokio::task::yield_now().await; // the task registers its first timer
    tokio::time::advance(ms(2_000)).await;
    tokio::task::yield_now().await;
    // One jump of 2 s fired the first timer; the second was set at +2 s for +3 s.
    assert_eq!(steps.try_recv(), Ok(1));
    assert!(steps.try_recv().is_err());
    tokio::time::sleep(ms(1_000)).await; // auto-advance fires it at +3 s
    assert_eq!(steps.recv().await, Some(2));
}
// ANCHOR_END: advance

// ANCHOR: grid
#[tokio::test(start_paused = true)]
async fn timers_round_up_to_the_millisecond_grid() {
    let start = Instant::now();
    tokio::time::sleep(Duration::from_micros(1_500)).await;
    assert_eq!(start.elapsed(), ms(2)); // not 1.5 ms
    tokio::time::sleep(Duration::from_micros(100)).await;
    assert_eq!(start.elapsed(), ms(3)); // 100 µs costs a whole millisecond
}
// ANCHOR_END: grid

// ANCHOR: blocking_trap
#[tokio::test(start_paused = true)]
async fn a_timeout_does_not_fire_while_spawn_blocking_runs() {
    let start = Instant::now();
    // 30 ms of real work under a 10 ms virtual timeout: while a blocking task runs, tokio
    // inhibits auto-advance, so the timeout cannot fire and virtual time stands still.
    let outcome =
        tokio::time::timeout(ms(10), tokio::task::spawn_blocking(|| wait_real(ms(30)))).await;
    assert!(outcome.is_ok(), "the timeout did not fire");
    assert_eq!(start.elapsed(), Duration::ZERO);
}
// ANCHOR_END: blocking_trap

// ANCHOR: socket_trap
#[tokio::test(start_paused = true)]
async fn a_real_socket_under_a_paused_clock_times_out_early() -> std::io::Result<()> {
    // The peer answers after 500 ms of real time (dropping it at the end stops it sooner). The
    // runtime, waiting only on the socket, has nothing to do, so auto-advance jumps to the 1 s
    // timer at once, long before the bytes arrive.
    let peer = SlowPeer::start(ms(500))?;
    let mut stream = tokio::net::TcpStream::connect(peer.addr()).await?;
    let start = Instant::now();
    let mut reply = [0_u8; 5];
    let outcome = tokio::time::timeout(ms(1_000), stream.read_exact(&mut reply)).await;
    assert!(
        outcome.is_err(),
        "timed out although the peer answers in 500 ms"
    );
    assert_eq!(start.elapsed(), ms(1_000));
    Ok(())
}
// ANCHOR_END: socket_trap
