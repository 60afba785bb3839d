//! Timeouts in tests: on tokio's paused clock a 30 s timeout fires in no real time, at exactly
//! +30.000 s, and the test asserts that instant.
//!
//! `#[tokio::test(start_paused = true)]` starts the runtime with its clock stopped. Whenever
//! every task is waiting and a timer is pending, the runtime jumps the clock to that timer
//! (auto-advance), so sleeps, intervals and timeouts complete in virtual time, in order, and
//! `tokio::time::Instant::elapsed` is exact. The traps are where something outside tokio's
//! timers is involved; each has a test in `tests/timeouts_in_tests.rs`. This module holds the
//! code those tests exercise.
//!
//! The lesson: `docs/testing.md`, section *Timeouts in tests*.

use std::io::{self, Write as _};
use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::fake_service::{FakeError, FakeService};

/// Why [`fetch_with_timeout`] gave no reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The service did not answer within the budget.
    #[error("no reply within {0:?}")]
    TimedOut(Duration),
    /// The service answered with an error.
    #[error(transparent)]
    Failed(#[from] FakeError),
}

// ANCHOR: fetch
/// Calls `service` and gives up after `budget`: the code under test.
///
/// # Errors
/// [`FetchError::TimedOut`] after `budget`; [`FetchError::Failed`] when the service fails.
///
/// # Cancel safety
/// As [`FakeService::call`]: a drop cancels the call in flight.
pub async fn fetch_with_timeout(
    service: &FakeService,
    budget: Duration,
) -> Result<String, FetchError> {
    match tokio::time::timeout(budget, service.call()).await {
        Ok(reply) => Ok(reply?),
        Err(_elapsed) => Err(FetchError::TimedOut(budget)),
    }
}
// ANCHOR_END: fetch

/// Waits `duration` of real time on this thread without the `std::thread::sleep` the workspace
/// disallows: a receive on a channel nobody sends to. Blocking on purpose; call it on a thread
/// of its own or inside `spawn_blocking`, never on a runtime thread.
pub fn wait_real(duration: Duration) {
    let (_keep, never) = mpsc::channel::<()>();
    let _ = never.recv_timeout(duration);
}

/// A loopback peer on a thread of its own that answers `pong\n` to its first connection after
/// a delay of real time: the outside world a paused clock knows nothing about.
#[derive(Debug)]
pub struct SlowPeer {
    addr: SocketAddr,
    // Dropping it wakes the thread from any wait: a dropped peer stops without answering.
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl SlowPeer {
    /// Binds 127.0.0.1 on a free port and starts the thread, which serves one connection and
    /// ends (or ends after 5 s of real time with no connection, or when the peer is dropped).
    ///
    /// # Errors
    /// When the socket cannot be bound.
    pub fn start(delay: Duration) -> io::Result<SlowPeer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        listener.set_nonblocking(true)?;
        let (stop, stopped) = mpsc::channel::<()>();
        // Waits `duration` of real time; `false` when the peer was dropped meanwhile.
        let wait = move |duration| {
            matches!(
                stopped.recv_timeout(duration),
                Err(mpsc::RecvTimeoutError::Timeout)
            )
        };
        let thread = std::thread::spawn(move || {
            let give_up = Instant::now() + Duration::from_secs(5);
            while Instant::now() < give_up {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        if wait(delay) {
                            let _ = stream.write_all(b"pong\n");
                        }
                        return;
                    }
                    Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                        if !wait(Duration::from_millis(1)) {
                            return;
                        }
                    }
                    Err(_) => return,
                }
            }
        });
        Ok(SlowPeer {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for SlowPeer {
    fn drop(&mut self) {
        // Dropping the sender wakes the thread from its wait; the join is then short.
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
