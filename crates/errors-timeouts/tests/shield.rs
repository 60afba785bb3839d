//! Shield: the critical work runs exactly once and finishes; the caller still sees its own
//! cancellation (★ defect 4).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::TaskFailed;
use errors_timeouts::Shield;
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

fn critical_write(
    starts: &Arc<AtomicUsize>,
    done: &Arc<AtomicUsize>,
) -> impl Future<Output = u8> + use<> {
    let (starts, done) = (Arc::clone(starts), Arc::clone(done));
    async move {
        starts.fetch_add(1, Ordering::SeqCst);
        sleep(Duration::from_secs(2)).await;
        done.fetch_add(1, Ordering::SeqCst);
        42
    }
}

#[tokio::test(start_paused = true)]
async fn the_critical_write_runs_once_and_the_caller_still_times_out() {
    let (starts, done) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let shield = Shield::new();
    let start = Instant::now();
    let caller = {
        let shield = shield.clone();
        let write = critical_write(&starts, &done);
        async move { shield.run(write).await }
    };
    let outcome = tokio::time::timeout(Duration::from_secs(1), caller).await;
    assert!(outcome.is_err(), "the caller sees its own cancellation");
    assert_eq!(start.elapsed(), Duration::from_secs(1));
    assert_eq!(shield.in_flight(), 1);
    shield.wait().await;
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert_eq!(starts.load(Ordering::SeqCst), 1, "started exactly once");
    assert_eq!(
        done.load(Ordering::SeqCst),
        1,
        "finished although the caller was cancelled"
    );
}

#[tokio::test(start_paused = true)]
async fn a_caller_cancelled_by_a_token_reports_cancelled_while_the_write_completes() {
    let (starts, done) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let shield = Shield::new();
    let token = CancellationToken::new();
    let caller = tokio::spawn({
        let (shield, token) = (shield.clone(), token.clone());
        let write = critical_write(&starts, &done);
        async move {
            tokio::select! {
                written = shield.run(write) => Ok(written.expect("no panic")),
                () = token.cancelled() => Err("cancelled"),
            }
        }
    });
    sleep(Duration::from_millis(500)).await;
    token.cancel();
    assert_eq!(caller.await.expect("no panic"), Err("cancelled"));
    shield.wait().await;
    assert_eq!(
        (starts.load(Ordering::SeqCst), done.load(Ordering::SeqCst)),
        (1, 1)
    );
}

#[tokio::test(start_paused = true)]
async fn an_uncancelled_caller_gets_the_value() {
    let shield = Shield::new();
    assert_eq!(shield.run(async { 7 }).await.expect("no panic"), 7);
    assert_eq!(shield.in_flight(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_write_is_a_typed_error() {
    let quiet = testing::QuietPanics::new();
    let shield = Shield::new();
    let outcome = shield.run(async { panic!("disk full") }).await;
    drop(quiet);
    let Err(TaskFailed::Panicked { index: 0, payload }) = outcome else {
        panic!("the write panicked: {outcome:?}");
    };
    assert_eq!(payload.message(), Some("disk full"));
}

#[tokio::test(start_paused = true)]
async fn waiting_with_nothing_shielded_returns_at_once() {
    let start = Instant::now();
    Shield::new().wait().await;
    assert_eq!(start.elapsed(), Duration::ZERO);
}

/// Issue 10, item 5: work A is shielded; A's completion shields work B. `wait` must not return
/// while B runs.
#[tokio::test(start_paused = true)]
async fn wait_covers_work_shielded_when_earlier_work_completes() {
    let shield = Shield::new();
    let b_done = Arc::new(AtomicUsize::new(0));
    let a = shield.run(sleep(Duration::from_secs(1)));
    let chain = tokio::spawn({
        let (shield, b_done) = (shield.clone(), Arc::clone(&b_done));
        async move {
            a.await.expect("A does not panic");
            let b = shield.run(async move {
                sleep(Duration::from_secs(1)).await;
                b_done.fetch_add(1, Ordering::SeqCst);
            });
            b.await.expect("B does not panic");
        }
    });
    let start = Instant::now();
    tokio::time::timeout(Duration::from_secs(10), shield.wait())
        .await
        .expect("wait returns once B is done");
    assert_eq!(
        b_done.load(Ordering::SeqCst),
        1,
        "B finished before wait returned"
    );
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    chain.await.expect("the chain does not panic");
}

#[tokio::test(start_paused = true)]
async fn two_waiters_both_return_when_the_work_is_done() {
    // A waiter that returns must not leave the other waiting forever.
    let shield = Shield::new();
    let _write = shield.run(sleep(Duration::from_secs(1)));
    let start = Instant::now();
    let (first, second) = (shield.clone(), shield.clone());
    let both = async { tokio::join!(first.wait(), second.wait()) };
    tokio::time::timeout(Duration::from_secs(10), both)
        .await
        .expect("both waiters return");
    assert_eq!(start.elapsed(), Duration::from_secs(1));
    let _later = shield.run(sleep(Duration::from_secs(1)));
    tokio::time::timeout(Duration::from_secs(10), shield.wait())
        .await
        .expect("a later wait returns too");
    assert_eq!(start.elapsed(), Duration::from_secs(2));
}
