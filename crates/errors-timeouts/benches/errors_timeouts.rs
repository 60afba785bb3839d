//! Benchmarks of the errors-timeouts patterns beside hand-written tokio, in one process.
//!
//! - the timeout wrapper over 200 000 immediately-ready operations, beside a bare
//!   `tokio::time::timeout`;
//! - the circuit breaker's per-call cost (closed, every call succeeds), beside a hand-written
//!   closed-state check on a `std::sync::Mutex`;
//! - retry's cost on the success path, beside a hand-written retry loop and backon.
//!
//! Each report ends with its baseline measured again: the spread between the two baseline runs
//! is the noise of this machine.
//!
//! Run: `cargo bench -p errors-timeouts` (or `cargo xtask bench`).

use std::future::ready;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable, TokioSleeper};
use errors_timeouts::{BreakerConfig, CircuitBreaker, RetryPolicy};
use testing::bench::{Report, Value, best_of};
use tokio::runtime::Runtime;

const OPS: u64 = 200_000;
const RUNS: usize = 7;
const LIMIT: Duration = Duration::from_secs(2);

fn time(f: impl Fn() -> u64) -> Value {
    Value::Time(best_of(RUNS, f))
}

fn bare_timeout(runtime: &Runtime) -> u64 {
    runtime.block_on(async {
        let mut sum = 0;
        for i in 0..OPS {
            sum += tokio::time::timeout(LIMIT, ready(black_box(i)))
                .await
                .unwrap_or(0);
        }
        sum
    })
}

fn our_timeout(runtime: &Runtime) -> u64 {
    runtime.block_on(async {
        let mut sum = 0;
        for i in 0..OPS {
            sum += errors_timeouts::timeout(LIMIT, ready(black_box(i)))
                .expect("a valid limit")
                .await
                .unwrap_or(0);
        }
        sum
    })
}

fn hand_written_breaker(runtime: &Runtime) -> u64 {
    let failures = Mutex::new(0u32);
    runtime.block_on(async {
        let mut sum = 0;
        for i in 0..OPS {
            if *failures.lock().expect("not poisoned") >= 5 {
                continue;
            }
            let outcome: Result<u64, ()> = ready(Ok(black_box(i))).await;
            let mut count = failures.lock().expect("not poisoned");
            match outcome {
                Ok(v) => {
                    *count = 0;
                    sum += v;
                }
                Err(()) => *count += 1,
            }
        }
        sum
    })
}

fn our_breaker(runtime: &Runtime) -> u64 {
    let breaker = CircuitBreaker::new(BreakerConfig::default()).expect("valid");
    runtime.block_on(async {
        let mut sum = 0;
        for i in 0..OPS {
            sum += breaker
                .call(ready(Ok::<_, ()>(black_box(i))))
                .await
                .unwrap_or(0);
        }
        sum
    })
}

fn hand_written_retry(runtime: &Runtime) -> u64 {
    runtime.block_on(async {
        let mut sum = 0;
        for i in 0..OPS {
            let mut delay = Duration::from_millis(100);
            for attempt in 1..=3 {
                match ready(Ok::<u64, ()>(black_box(i))).await {
                    Ok(v) => {
                        sum += v;
                        break;
                    }
                    Err(()) if attempt < 3 => {
                        tokio::time::sleep(delay).await;
                        delay *= 2;
                    }
                    Err(()) => {}
                }
            }
        }
        sum
    })
}

fn our_retry(runtime: &Runtime, policy: &RetryPolicy) -> u64 {
    runtime.block_on(async {
        let mut sum = 0;
        for i in 0..OPS {
            let op = || ready(Ok::<u64, ()>(black_box(i)));
            sum += errors_timeouts::retry(policy, |_| true, op)
                .await
                .unwrap_or(0);
        }
        sum
    })
}

fn backon_retry(runtime: &Runtime) -> u64 {
    runtime.block_on(async {
        let mut sum = 0;
        for i in 0..OPS {
            let op = || ready(Ok::<u64, ()>(black_box(i)));
            sum += op
                .retry(ExponentialBuilder::default())
                .sleep(TokioSleeper)
                .await
                .unwrap_or(0);
        }
        sum
    })
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime starts");
    let rt = &runtime;

    let mut report = Report::new(format!(
        "timeout: {OPS} immediately-ready operations, 2 s limit"
    ));
    report
        .add(
            "hand-written tokio::time::timeout",
            time(|| bare_timeout(rt)),
        )
        .add("errors_timeouts::timeout", time(|| our_timeout(rt)))
        .add("hand-written again (noise)", time(|| bare_timeout(rt)));
    report.print();

    let mut report = Report::new(format!(
        "circuit breaker: {OPS} successful calls while closed"
    ));
    report
        .add(
            "hand-written Mutex<u32> count",
            time(|| hand_written_breaker(rt)),
        )
        .add(
            "errors_timeouts::CircuitBreaker::call",
            time(|| our_breaker(rt)),
        )
        .add(
            "hand-written again (noise)",
            time(|| hand_written_breaker(rt)),
        );
    report.print();

    let policy = RetryPolicy::builder().build().expect("valid");
    let mut report = Report::new(format!(
        "retry: {OPS} calls that succeed at once (success path)"
    ));
    report
        .add("hand-written retry loop", time(|| hand_written_retry(rt)))
        .add("errors_timeouts::retry", time(|| our_retry(rt, &policy)))
        .add(
            "backon (ExponentialBuilder, TokioSleeper)",
            time(|| backon_retry(rt)),
        )
        .add(
            "hand-written again (noise)",
            time(|| hand_written_retry(rt)),
        );
    report.print();
}
