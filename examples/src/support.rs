//! What every application shares: the real-clock runtime, an in-flight gauge with its peak, a
//! counting listener and a resident-memory reading.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::serve::ListenerExt;
use testing::Transcript;
use tokio::net::TcpListener;

/// Runs `body` on a fresh two-worker runtime on the REAL clock and returns its result.
///
/// `testing::run_example` starts its runtime paused when the xtask sets `TRANSCRIPT_CLOCK=paused`;
/// this function never reads that variable, so the xtask's golden check runs these applications
/// in real time. The transcript is used only through [`Transcript::raw`] (no time stamps).
///
/// # Errors
/// When the runtime cannot be built, or whatever `body` returns.
pub fn run_real_time<F, Fut>(body: F) -> anyhow::Result<()>
where
    F: FnOnce(Transcript) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(body(Transcript::to_stdout()))
}

/// A count of things in progress that remembers its highest value: a witness for "at most N at
/// once". Cheap to clone; clones share the count.
#[derive(Debug, Clone, Default)]
pub struct Gauge {
    inner: Arc<GaugeInner>,
}

#[derive(Debug, Default)]
struct GaugeInner {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    /// A gauge at zero.
    pub fn new() -> Gauge {
        Gauge::default()
    }

    /// Counts one more in progress until the guard is dropped.
    #[must_use = "the count goes down when the guard is dropped"]
    pub fn enter(&self) -> GaugeGuard {
        let now = self.inner.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.inner.peak.fetch_max(now, Ordering::SeqCst);
        GaugeGuard {
            inner: Arc::clone(&self.inner),
        }
    }

    /// In progress now.
    pub fn now(&self) -> usize {
        self.inner.now.load(Ordering::SeqCst)
    }

    /// The highest count seen.
    pub fn peak(&self) -> usize {
        self.inner.peak.load(Ordering::SeqCst)
    }
}

/// One unit counted by a [`Gauge`]; dropping it counts it out.
#[derive(Debug)]
pub struct GaugeGuard {
    inner: Arc<GaugeInner>,
}

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        self.inner.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A shared counter (connections accepted, attempts made). Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Counter(Arc<AtomicUsize>);

impl Counter {
    /// A counter at zero.
    pub fn new() -> Counter {
        Counter::default()
    }

    /// Adds one and returns the new count.
    pub fn bump(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// The count.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// Sets the count back to zero and returns what it was.
    pub fn take(&self) -> usize {
        self.0.swap(0, Ordering::SeqCst)
    }
}

/// Binds `127.0.0.1:0` (a free port on loopback) and counts every TCP connection accepted.
///
/// # Errors
/// When the port cannot be bound.
pub async fn counting_listener(
    accepted: Counter,
) -> std::io::Result<(
    impl axum::serve::Listener<Addr = std::net::SocketAddr>,
    std::net::SocketAddr,
)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let listener = listener.tap_io(move |_stream| {
        accepted.bump();
    });
    Ok((listener, addr))
}

/// Waits up to `limit` for a server task to end by itself (after its graceful shutdown was
/// started), then aborts it: a drain that does not finish is cut, never awaited forever.
pub async fn stop_within<T>(mut server: tokio::task::JoinHandle<T>, limit: std::time::Duration) {
    if tokio::time::timeout(limit, &mut server).await.is_err() {
        server.abort();
    }
}

/// This process's resident memory in bytes (the `VmRSS` line of Linux `/proc/self/status`),
/// `None` where it cannot be read.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Whether stdout is a terminal (a progress bar is drawn) or not (transcript lines are printed).
pub fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}
