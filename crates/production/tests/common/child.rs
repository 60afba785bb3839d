//! The real-process half of the conformance harness: the test binary re-runs itself as a
//! service (one test, selected with `--exact`, told its role by an environment variable), and
//! the parent sends it real signals with the `kill` command.
//!
//! These helpers run on the real clock, because a real process and a real signal do: every
//! wait is bounded, and a child still running when its handle is dropped is killed with
//! SIGKILL, so a failing test never leaves a process behind or hangs.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use production::Signal;
use production::conformance::{self, Event, FakeStep, Log, ReferenceConfig, ServiceContext};

/// The variable that tells the re-run test binary which service to play.
pub(crate) const ROLE_ENV: &str = "PRODUCTION_CONFORMANCE_ROLE";

/// Every line the child prints for the parent starts with this.
pub(crate) const PREFIX: &str = "conformance: ";

/// A service child started by the parent.
pub(crate) struct Child {
    process: std::process::Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Child {
    /// Re-runs this test binary as the service `role`, running only the test `child_test`.
    pub(crate) fn spawn(child_test: &str, role: &str) -> Child {
        let exe = std::env::current_exe().expect("a test binary knows its own path");
        let mut process = Command::new(exe)
            .args(["--exact", child_test, "--nocapture", "--test-threads=1"])
            .env(ROLE_ENV, role)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the test binary can start itself");
        let stdout = process.stdout.take().expect("stdout is piped");
        let (send, lines) = mpsc::channel();
        // A reader thread, so the parent can wait for a line with a timeout; it ends at EOF,
        // which is when the child exits.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Child {
            process,
            lines,
            seen: Vec::new(),
        }
    }

    /// The child's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.process.id()
    }

    /// Waits (at most `limit`, real time) for a line holding `PREFIX` + `line`.
    ///
    /// # Panics
    /// When the line does not come in time or the child exits first (the lines seen so far
    /// are in the message).
    pub(crate) fn wait_for(&mut self, line: &str, limit: Duration) {
        let wanted = format!("{PREFIX}{line}");
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(seen) => {
                    // libtest may print `test child_service ... ` before the line, unterminated.
                    let found = seen.contains(&wanted);
                    self.seen.push(seen);
                    if found {
                        return;
                    }
                }
                Err(error) => panic!(
                    "no line {wanted:?} within {limit:?} ({error}); seen: {:#?}",
                    self.seen
                ),
            }
        }
    }

    /// Sends `signal` to the child with the `kill` command.
    pub(crate) fn signal(&self, signal: Signal) {
        let flag = match signal {
            Signal::Interrupt => "-INT",
            Signal::Terminate => "-TERM",
        };
        let status = Command::new("kill")
            .args([flag, &self.pid().to_string()])
            .status()
            .expect("the kill command runs");
        assert!(status.success(), "kill {flag} failed: {status}");
    }

    /// Waits (at most `limit`, real time) for the child to exit, and returns its exit code and
    /// the lines it printed with `PREFIX` (the text after it).
    ///
    /// # Panics
    /// When it has not exited in time: it is killed with SIGKILL first.
    pub(crate) fn wait_exit(&mut self, limit: Duration) -> (Option<i32>, Vec<String>) {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = self.process.kill();
                    panic!(
                        "the child did not exit within {limit:?}; seen: {:#?}",
                        self.seen
                    );
                }
            }
        }
        let status = self.process.wait().expect("the child can be waited for");
        let lines = self
            .seen
            .iter()
            .filter_map(|line| {
                line.find(PREFIX)
                    .map(|at| line[at + PREFIX.len()..].to_owned())
            })
            .collect();
        (status.code(), lines)
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        // SIGKILL a child that is still running (a failed assertion), then reap it.
        if let Ok(None) = self.process.try_wait() {
            let _ = self.process.kill();
            let _ = self.process.wait();
        }
    }
}

/// Plays the service `role` in this (child) process on the real clock, with real SIGINT and
/// SIGTERM handlers, and returns its exit code. Prints `ready` once started, `draining` once
/// shutdown has begun, then every logged event.
///
/// Roles: `short` (one 50 ms request in flight, 2 s drain deadline) and `long` (one 10 s
/// request, 5 s drain deadline, so only a second signal ends it early).
pub(crate) fn play_service(role: &str) -> i32 {
    let ms = Duration::from_millis;
    let (work, deadline) = match role {
        "short" => (ms(50), ms(2_000)),
        "long" => (ms(10_000), ms(5_000)),
        other => panic!("unknown role {other}"),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the OS lets a runtime start");
    runtime.block_on(async move {
        // Handlers first, before anything starts: a signal during startup is queued, not fatal.
        let stops = production::signals().expect("signal handlers install");
        let log = Log::new();
        let (context, requests) = ServiceContext::new(stops, log.clone());
        let mut phases = context.probes.watch();
        let config = ReferenceConfig {
            drain_deadline: deadline,
            steps: vec![FakeStep::new("db pool", ms(1))],
            ..ReferenceConfig::default()
        };
        let service = tokio::spawn(conformance::reference_service(config, context));
        phases
            .wait_for(|phase| *phase == production::Phase::Ready)
            .await
            .expect("the service reaches Ready");
        requests
            .send(conformance::Request::Work { id: 0, work })
            .await
            .expect("the listener takes a request");
        // Wait until the listener has the request, then tell the parent.
        while log
            .record()
            .position(|e| matches!(e, Event::Accepted { .. }))
            .is_none()
        {
            tokio::task::yield_now().await;
            tokio::time::sleep(ms(1)).await;
        }
        println!("{PREFIX}ready");
        phases
            .wait_for(|phase| *phase >= production::Phase::Draining)
            .await
            .expect("the service drains");
        println!("{PREFIX}draining");
        let code = service.await.expect("the service does not panic");
        for line in log.record().lines() {
            println!("{PREFIX}{line}");
        }
        code
    })
}
