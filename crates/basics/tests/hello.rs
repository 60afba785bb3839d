//! The entry point: `#[tokio::main]` is a plain function around `block_on`, `hello::run` is that
//! expansion with typed errors, and leaving a runtime cancels what it still runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use basics::blocking_work::MAX_THREADS;
use basics::{ConfigError, Flavor, RuntimeError, hello};
use testing::Transcript;

// ANCHOR: tokio_main
// `start_paused = true` only spares the test a real second; a program writes `#[tokio::main]`.
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn hello_world() -> Vec<String> {
    let t = Transcript::in_memory();
    t.line("hello");
    tokio::time::sleep(Duration::from_secs(1)).await;
    t.line("world");
    t.lines()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn on_two_workers() -> Option<Flavor> {
    Flavor::current()
}
// ANCHOR_END: tokio_main

#[test]
fn tokio_main_blocks_until_the_body_is_done() {
    assert_eq!(hello_world(), ["[+0.000s] hello", "[+1.000s] world"]);
    assert_eq!(on_two_workers(), Some(Flavor::MultiThread { workers: 2 }));
}

#[test]
fn run_picks_the_flavor_it_is_given() {
    let current = hello::run(Flavor::CurrentThread, async { Flavor::current() });
    assert_eq!(current.ok(), Some(Some(Flavor::CurrentThread)));
    let multi = hello::run(Flavor::MultiThread { workers: 3 }, async {
        Flavor::current()
    });
    assert_eq!(multi.ok(), Some(Some(Flavor::MultiThread { workers: 3 })));
}

#[test]
fn zero_or_huge_worker_counts_are_config_errors_not_panics() {
    let error = Flavor::MultiThread { workers: 0 }
        .build()
        .expect_err("no workers");
    assert!(
        matches!(
            error,
            RuntimeError::Config(ConfigError::Zero { name: "workers" })
        ),
        "{error:?}"
    );
    let error = hello::run(Flavor::MultiThread { workers: 0 }, async {}).expect_err("no workers");
    assert_eq!(error.to_string(), "workers must not be zero");
    let error = Flavor::MultiThread {
        workers: usize::MAX,
    }
    .build()
    .expect_err("too many workers");
    assert!(
        matches!(
            error,
            RuntimeError::Config(ConfigError::TooLarge {
                name: "workers",
                value: usize::MAX,
                max: MAX_THREADS
            })
        ),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn run_inside_a_runtime_refuses_instead_of_panicking() {
    let ran = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ran);
    let outcome = hello::run(Flavor::CurrentThread, async move {
        flag.store(true, Ordering::SeqCst);
    });
    assert!(matches!(outcome, Err(RuntimeError::InsideRuntime)));
    assert!(!ran.load(Ordering::SeqCst), "the future was never polled");
}

/// Sets its flag when dropped: a task that is cancelled drops its future, and this with it.
struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn leaving_run_cancels_the_tasks_left_behind() {
    let cancelled = Arc::new(AtomicBool::new(false));
    let guard = SetOnDrop(Arc::clone(&cancelled));
    let outcome = hello::run(Flavor::CurrentThread, async move {
        // Spawned and never awaited: it waits forever, holding the guard.
        drop(tokio::spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        }));
        tokio::task::yield_now().await;
        "main returned"
    });
    assert_eq!(outcome.ok(), Some("main returned"));
    assert!(
        cancelled.load(Ordering::SeqCst),
        "the runtime's drop cancelled the task"
    );
}
