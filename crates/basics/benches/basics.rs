//! Benchmarks of the basics patterns beside hand-written tokio, printed as `testing::bench`
//! reports (ratios against the first entry of each).
//!
//! - W1: gather of 100 000 tasks, each sleeping 10 ms, on a multi-thread runtime, real time.
//!   Entries take turns round after round; the spawning ones end with the baseline run again,
//!   and the spread between the two baseline rows is the noise of this machine.
//! - W8: memory per parked task: 1 000 000 tasks, each waiting on a `Notify` that never fires.
//!   Each variant runs in a child process of this binary, so one variant's freed memory (which
//!   the allocator keeps) cannot hide the next one's cost.
//!
//! Run: `cargo bench -p basics` (release mode; about half a minute on two cores).

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::{BackgroundRegistry, OwnedTask, TaskGroup};
use testing::bench::{Report, Value, best_of, rss_bytes};
use tokio::runtime::Runtime;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

const W1_TASKS: usize = 100_000;
const W1_SLEEP: Duration = Duration::from_millis(10);
const W1_RUNS: usize = 3;
const W8_TASKS: usize = 1_000_000;
const W8_CHILD: &str = "w8-child";
const W8_VARIANTS: [(&str, &str); 5] = [
    ("spawn", "hand-written tokio::spawn + Vec<JoinHandle>"),
    ("joinset", "hand-written JoinSet"),
    ("owned", "basics::OwnedTask in a Vec"),
    ("group", "basics::TaskGroup"),
    ("registry", "basics::BackgroundRegistry"),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(position) = args.iter().position(|arg| arg == W8_CHILD) {
        let variant = args.get(position + 1).map_or("", String::as_str);
        w8_child(variant);
        return;
    }
    w1();
    w8();
}

fn multi_thread() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a multi-thread runtime builds")
}

async fn nap() {
    tokio::time::sleep(W1_SLEEP).await;
}

/// One W1 entry: a name and a closure that runs the workload once, returning how many finished.
type Entry<'a> = (&'a str, Box<dyn Fn() -> usize + 'a>);

/// The hand-written baseline: a `JoinSet`, spawn then `join_next` until empty.
fn hand_written_join_set(runtime: &Runtime) -> usize {
    runtime.block_on(async {
        let mut set = JoinSet::new();
        for _ in 0..W1_TASKS {
            set.spawn(nap());
        }
        let mut done = 0;
        while let Some(joined) = set.join_next().await {
            joined.expect("no task panics");
            done += 1;
        }
        done
    })
}

fn w1() {
    let runtime = multi_thread();
    let rt = &runtime;
    // Entries take turns, `W1_RUNS` rounds, and each keeps its fastest run: the machine's drift,
    // and the first run's warm-up of the runtime, then hit every entry alike.
    let entries: Vec<Entry<'_>> = vec![
        (
            "hand-written JoinSet (spawn, join_next)",
            Box::new(|| hand_written_join_set(rt)),
        ),
        (
            "basics::spawn_all",
            Box::new(|| {
                rt.block_on(async {
                    basics::spawn_all((0..W1_TASKS).map(|_| nap()))
                        .await
                        .expect("no task panics")
                        .len()
                })
            }),
        ),
        (
            "join_all of JoinHandles",
            Box::new(|| {
                rt.block_on(async {
                    let handles: Vec<JoinHandle<()>> =
                        (0..W1_TASKS).map(|_| tokio::spawn(nap())).collect();
                    futures::future::join_all(handles).await.len()
                })
            }),
        ),
        (
            "hand-written again (noise)",
            Box::new(|| hand_written_join_set(rt)),
        ),
        (
            "basics::gather (no spawn, one task)",
            Box::new(|| {
                rt.block_on(basics::gather((0..W1_TASKS).map(|_| nap())))
                    .len()
            }),
        ),
        (
            "futures join_all (no spawn, one task)",
            Box::new(|| {
                rt.block_on(futures::future::join_all((0..W1_TASKS).map(|_| nap())))
                    .len()
            }),
        ),
    ];
    let mut best = vec![Duration::MAX; entries.len()];
    for _ in 0..W1_RUNS {
        for ((_, run), best) in entries.iter().zip(&mut best) {
            let time = best_of(1, || assert_eq!(run(), W1_TASKS));
            *best = (*best).min(time);
        }
    }
    let mut report = Report::new(format!(
        "W1 gather: {W1_TASKS} tasks, each sleeping {}ms, multi-thread runtime ({} workers), best of {W1_RUNS} interleaved",
        W1_SLEEP.as_millis(),
        runtime.metrics().num_workers()
    ));
    for ((name, _), time) in entries.iter().zip(best) {
        report.add(*name, Value::Time(time));
    }
    report.print();
}

fn w8() {
    let mut report = Report::new(format!(
        "W8 memory per parked task: {W8_TASKS} tasks awaiting a Notify that never fires (RSS delta / N, one process each)"
    ));
    let exe = std::env::current_exe().expect("the bench knows its own path");
    for (variant, name) in W8_VARIANTS {
        let output = Command::new(&exe)
            .args([W8_CHILD, variant])
            .output()
            .expect("the bench can run itself");
        let text = String::from_utf8_lossy(&output.stdout);
        let bytes: f64 = text.trim().parse().unwrap_or_else(|_| {
            panic!(
                "child {variant} printed {text:?}, stderr {:?}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        report.add(name, Value::Bytes(bytes));
    }
    report.print();
}

/// Parks `W8_TASKS` tasks with `spawn_parked`, prints the RSS delta per task, then cancels them
/// with `cancel`.
fn w8_child(variant: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime builds");
    let bytes_per_task = runtime.block_on(async {
        let notify = Arc::new(Notify::new());
        let started = Arc::new(AtomicUsize::new(0));
        let parked = |notify: &Arc<Notify>| {
            let notify = Arc::clone(notify);
            let started = Arc::clone(&started);
            async move {
                started.fetch_add(1, Ordering::Relaxed);
                notify.notified().await;
            }
        };
        let before = rss_bytes().expect("linux /proc is readable");
        let measure = || async {
            // Every task has been polled once and is parked on the Notify.
            while started.load(Ordering::Relaxed) < W8_TASKS {
                tokio::task::yield_now().await;
            }
            let after = rss_bytes().expect("linux /proc is readable");
            after.saturating_sub(before) as f64 / W8_TASKS as f64
        };
        match variant {
            "spawn" => {
                let handles: Vec<JoinHandle<()>> = (0..W8_TASKS)
                    .map(|_| tokio::spawn(parked(&notify)))
                    .collect();
                let bytes = measure().await;
                handles.iter().for_each(JoinHandle::abort);
                for handle in handles {
                    assert!(handle.await.is_err_and(|e| e.is_cancelled()));
                }
                bytes
            }
            "joinset" => {
                let mut set = JoinSet::new();
                for _ in 0..W8_TASKS {
                    set.spawn(parked(&notify));
                }
                let bytes = measure().await;
                set.shutdown().await;
                bytes
            }
            "owned" => {
                let tasks: Vec<OwnedTask<()>> = (0..W8_TASKS)
                    .map(|_| OwnedTask::spawn(parked(&notify)))
                    .collect();
                let bytes = measure().await;
                drop(tasks);
                bytes
            }
            "group" => {
                let mut group: TaskGroup<(), ()> = TaskGroup::new();
                for _ in 0..W8_TASKS {
                    let task = parked(&notify);
                    group.spawn(async move {
                        task.await;
                        Ok(())
                    });
                }
                let bytes = measure().await;
                drop(group);
                bytes
            }
            "registry" => {
                let mut registry = BackgroundRegistry::new();
                for _ in 0..W8_TASKS {
                    let task = parked(&notify);
                    registry.spawn("job", |_token| task);
                }
                let bytes = measure().await;
                // A deadline already past: every job is aborted at once.
                let report = registry.shutdown(tokio::time::Instant::now()).await;
                assert_eq!(report.aborted.len(), W8_TASKS);
                bytes
            }
            other => panic!("unknown W8 variant {other:?}"),
        }
    });
    println!("{bytes_per_task:.1}");
}
