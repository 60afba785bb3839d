//! Sync code calling async: `block_on` from sync code, the nested-runtime case turned into a
//! typed error, and a bridge runtime on its own thread answering plain std threads.
//!
//! The bridge runs its own real-time runtime on another thread, so these tests use no timers:
//! the futures they send wait on channels and barriers only.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use basics::{AsyncBridge, AsyncBridgeError, BlockOnError, block_on};

#[test]
fn block_on_from_sync_code_returns_the_output() {
    let answer = block_on(async {
        tokio::task::yield_now().await;
        21 * 2
    });
    assert_eq!(answer.expect("no runtime on this thread"), 42);
}

#[tokio::test(start_paused = true)]
async fn block_on_inside_a_runtime_is_a_typed_error() {
    // tokio's own `Runtime::block_on` would panic here: "Cannot start a runtime from within a
    // runtime". The check turns it into an error the caller can handle.
    let error = block_on(async { 1 }).expect_err("this thread drives a runtime");
    assert!(matches!(error, BlockOnError::InsideRuntime));
    assert_eq!(
        error.to_string(),
        "called from inside a tokio runtime, where blocking on a future would panic"
    );
}

#[tokio::test(start_paused = true)]
async fn a_bridge_call_inside_a_runtime_is_a_typed_error() {
    let bridge = AsyncBridge::spawn().expect("a runtime thread starts");
    let error = bridge
        .call(async { 1 })
        .expect_err("this thread drives a runtime");
    assert!(matches!(error, AsyncBridgeError::InsideRuntime));
    // A spawn_blocking thread carries the runtime's context too, so the bridge refuses there as
    // well; tokio's own `Handle::block_on` is the tool on such a thread.
    let handle = bridge.handle();
    let (refused, answer) = tokio::task::spawn_blocking(move || {
        let refused = handle.call(async { 2 });
        let answer = tokio::runtime::Handle::current().block_on(async { 2 });
        (refused, answer)
    })
    .await
    .expect("no panic");
    assert!(matches!(refused, Err(AsyncBridgeError::InsideRuntime)));
    assert_eq!(answer, 2);
}

#[test]
fn the_bridge_answers_calls_from_plain_std_threads_concurrently() {
    let bridge = AsyncBridge::spawn().expect("a runtime thread starts");
    // Every call waits until all four are in: they can only finish if the bridge runs them
    // concurrently. The timeout (real time) only matters if that is broken.
    let barrier = Arc::new(tokio::sync::Barrier::new(4));
    let answers: Vec<_> = std::thread::scope(|scope| {
        let callers: Vec<_> = (1..=4u64)
            .map(|n| {
                let (handle, barrier) = (bridge.handle(), Arc::clone(&barrier));
                scope.spawn(move || {
                    handle.call(async move {
                        let met =
                            tokio::time::timeout(Duration::from_secs(10), barrier.wait()).await;
                        met.map(|_| n * 2)
                    })
                })
            })
            .collect();
        callers
            .into_iter()
            .map(|caller| caller.join().expect("no caller panics"))
            .collect()
    });
    let answers: Vec<u64> = answers
        .into_iter()
        .map(|answer| {
            answer
                .expect("the bridge answers")
                .expect("the calls overlap")
        })
        .collect();
    assert_eq!(answers, [2, 4, 6, 8]);
}

#[test]
fn a_handle_outliving_its_bridge_gets_runtime_gone() {
    let bridge = AsyncBridge::spawn().expect("a runtime thread starts");
    let handle = bridge.handle();
    bridge.shutdown();
    assert!(matches!(
        handle.call(async { 1 }),
        Err(AsyncBridgeError::RuntimeGone)
    ));
}

#[test]
fn dropping_the_bridge_mid_call_cancels_the_call_with_runtime_gone() {
    let bridge = AsyncBridge::spawn().expect("a runtime thread starts");
    let handle = bridge.handle();
    let (started_tx, started) = std_mpsc::channel();
    let caller = std::thread::spawn(move || {
        handle.call(async move {
            let _ = started_tx.send(());
            std::future::pending::<()>().await;
        })
    });
    started.recv().expect("the call starts on the bridge");
    drop(bridge); // stops the runtime and joins its thread
    let outcome = caller.join().expect("the caller does not panic");
    assert!(
        matches!(outcome, Err(AsyncBridgeError::RuntimeGone)),
        "{outcome:?}"
    );
}

#[test]
fn a_panicking_future_is_an_error_and_the_bridge_survives() {
    let bridge = AsyncBridge::spawn().expect("a runtime thread starts");
    let outcome = bridge.call(async { panic!("bug in the async code") });
    let Err::<(), _>(AsyncBridgeError::Panicked(payload)) = outcome else {
        panic!("expected the panic, got {outcome:?}");
    };
    assert_eq!(payload.message(), Some("bug in the async code"));
    assert_eq!(bridge.call(async { 7 }).expect("still running"), 7);
}

#[test]
fn dropping_the_bridge_does_not_wait_for_a_blocking_job_a_call_started() {
    // A call hands work to its runtime's blocking pool, then the bridge is dropped. A plain
    // `Runtime` drop would wait for that job without limit; the bridge's drop must not.
    let bridge = AsyncBridge::spawn().expect("a runtime thread starts");
    let handle = bridge.handle();
    let (started_tx, started) = std_mpsc::channel();
    let (release, latch) = std_mpsc::channel::<()>();
    let job_done = Arc::new(AtomicBool::new(false));
    let done = Arc::clone(&job_done);
    let caller = std::thread::spawn(move || {
        handle.call(async move {
            tokio::task::spawn_blocking(move || {
                let _ = started_tx.send(());
                // Released by the test after the drop; the timeout (real time) only ends the
                // job if the drop wrongly waited for it, so the test fails instead of hanging.
                let _ = latch.recv_timeout(Duration::from_secs(10));
                done.store(true, Ordering::SeqCst);
            })
            .await
        })
    });
    started.recv().expect("the blocking job starts");
    drop(bridge);
    assert!(
        !job_done.load(Ordering::SeqCst),
        "the drop waited for the blocking job instead of leaving it to finish"
    );
    let outcome = caller.join().expect("the caller does not panic");
    assert!(
        matches!(outcome, Err(AsyncBridgeError::RuntimeGone)),
        "{outcome:?}"
    );
    let _ = release.send(());
}
