//! No reactor: tokio's panic texts are pinned for `tokio::spawn` outside a runtime, a tokio timer
//! on another executor, and a timer or a socket on a runtime built without its drivers; the
//! fixes run.

use std::time::Duration;

use pitfalls::no_reactor;

const NO_REACTOR: &str =
    "there is no reactor running, must be called from the context of a Tokio 1.x runtime";
const NO_TIMERS: &str = "A Tokio 1.x context was found, but timers are disabled. Call \
                         `enable_time` on the runtime builder to enable timers.";
const NO_IO: &str = "A Tokio 1.x context was found, but IO is disabled. Call `enable_io` on the \
                     runtime builder to enable IO.";

/// The message of the panic `body` raised.
fn panic_message<T>(body: impl FnOnce() -> T) -> String {
    let quiet = testing::QuietPanics::new();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
    drop(quiet);
    let Err(payload) = caught else {
        panic!("the body was expected to panic");
    };
    basics::PanicPayload::new(payload)
        .message()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn tokio_spawn_outside_a_runtime_panics() {
    assert_eq!(panic_message(no_reactor::start_job), NO_REACTOR);
}

#[test]
fn a_tokio_timer_on_another_executor_panics() {
    let message = panic_message(|| {
        futures::executor::block_on(tokio::time::sleep(Duration::from_millis(1)));
    });
    assert_eq!(message, NO_REACTOR);
}

#[test]
fn a_timer_on_a_runtime_without_enable_time_panics() -> anyhow::Result<()> {
    let runtime = no_reactor::runtime_without_drivers()?;
    let message = panic_message(|| {
        // The sleep is created inside the runtime: built outside, it would find no runtime at
        // all (the first test's text).
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(1)).await });
    });
    assert_eq!(message, NO_TIMERS);
    Ok(())
}

#[test]
fn a_socket_on_a_runtime_without_enable_io_panics() -> anyhow::Result<()> {
    let runtime = no_reactor::runtime_without_drivers()?;
    let message = panic_message(|| runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")));
    assert_eq!(message, NO_IO);
    Ok(())
}

#[test]
fn enable_all_and_handle_enter_fix_them() -> anyhow::Result<()> {
    let runtime = no_reactor::runtime()?;
    // Sync code, outside the runtime, given its handle.
    let job = no_reactor::start_job_on(runtime.handle());
    let answer = runtime.block_on(async {
        tokio::time::sleep(Duration::from_millis(1)).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        drop(listener);
        Ok::<_, anyhow::Error>(job.await?)
    })?;
    assert_eq!(answer, 42);
    Ok(())
}
