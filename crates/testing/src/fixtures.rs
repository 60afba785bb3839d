//! Fixtures: a server started per test on 127.0.0.1:0, handed back as an address plus a guard.
//!
//! pytest's async fixture `yield`s the resource and runs the code after the `yield` as teardown,
//! awaiting whatever it needs. Rust has no async `Drop`: a destructor cannot `.await`. So
//! [`TestApp`] offers both halves: dropping it aborts the server task (a synchronous
//! cancellation that always happens, even when the test panics), and
//! [`TestApp::shutdown`] is the explicit async teardown that stops accepting, lets open
//! connections finish, and reports what the server did.
//!
//! The lesson: `docs/testing.md`, section *Fixtures*.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

// ANCHOR: test_app
/// A line server for one test: it answers each line with the line in upper case.
///
/// # Examples
/// ```
/// use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let app = testing::TestApp::spawn().await?;
/// let mut stream = tokio::net::TcpStream::connect(app.addr()).await?;
/// stream.write_all(b"hello\n").await?;
/// let mut line = String::new();
/// BufReader::new(&mut stream).read_line(&mut line).await?;
/// assert_eq!(line, "HELLO\n");
/// drop(stream);
/// let teardown = app.shutdown().await;
/// assert_eq!(teardown.connections, 1);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "dropping the fixture stops its server at once"]
pub struct TestApp {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    connections: Arc<AtomicUsize>,
}

/// What [`TestApp::shutdown`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Teardown {
    /// Connections the server accepted.
    pub connections: usize,
    /// Whether the server task ended by itself (`false` if it panicked).
    pub clean: bool,
}

impl TestApp {
    /// Binds 127.0.0.1 on a port the operating system picks (so tests running in parallel never
    /// collide) and starts serving.
    ///
    /// # Errors
    /// When the socket cannot be bound.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub async fn spawn() -> io::Result<TestApp> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        let connections = Arc::new(AtomicUsize::new(0));
        let server = tokio::spawn(serve(listener, stopped, Arc::clone(&connections)));
        Ok(TestApp {
            addr,
            stop,
            server,
            connections,
        })
    }

    /// The address to connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The async teardown: stops accepting, waits for the open connections to end (their
    /// clients closing them), and reports.
    ///
    /// # Cancel safety
    /// Dropping it part-way drops the fixture, which aborts the server as
    /// [`Drop`](#impl-Drop-for-TestApp) does.
    pub async fn shutdown(mut self) -> Teardown {
        let _ = self.stop.send(true);
        let clean = (&mut self.server).await.is_ok();
        Teardown {
            connections: self.connections(),
            clean,
        }
    }
}

impl Drop for TestApp {
    /// The teardown that always runs: `Drop` cannot `.await`, so it aborts the server task
    /// (which drops its open connections) and returns at once.
    fn drop(&mut self) {
        self.server.abort();
    }
}
// ANCHOR_END: test_app

async fn serve(listener: TcpListener, mut stopped: watch::Receiver<bool>, count: Arc<AtomicUsize>) {
    // Connections live in a JoinSet owned by this task: aborting the task drops the set, which
    // aborts every connection with it.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    count.fetch_add(1, Ordering::SeqCst);
                    connections.spawn(upper_case_lines(stream));
                }
            }
            _ = stopped.wait_for(|stop| *stop) => break,
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

async fn upper_case_lines(mut stream: TcpStream) {
    let (reader, mut writer) = stream.split();
    let mut lines = BufReader::new(reader).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if writer
            .write_all(format!("{}\n", line.to_uppercase()).as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}
