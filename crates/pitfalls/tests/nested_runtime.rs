//! Nested runtime: tokio's panic text is pinned for the helper called from async code and for the
//! inline `block_on`; the three fixes return the value.

use std::future::Future;

use futures::FutureExt as _;
use pitfalls::nested_runtime;

const NESTED: &str = "Cannot start a runtime from within a runtime. This happens because a \
                      function (like `block_on`) attempted to block the current thread while the \
                      thread is being used to drive asynchronous tasks. If you are in an async \
                      function, use `.await` on the future instead of blocking on it.";

/// The message of the panic `future` raised.
async fn panic_message<F: Future>(future: F) -> String {
    let quiet = testing::QuietPanics::new();
    let caught = std::panic::AssertUnwindSafe(future).catch_unwind().await;
    drop(quiet);
    let Err(payload) = caught else {
        panic!("the future was expected to panic");
    };
    basics::PanicPayload::new(payload)
        .message()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(start_paused = true)]
async fn a_sync_helper_with_its_own_runtime_panics_when_called_from_async_code() {
    assert_eq!(
        panic_message(nested_runtime::handler_nested(4)).await,
        NESTED
    );
}

#[tokio::test(start_paused = true)]
async fn block_on_written_inside_async_code_panics_the_same() {
    assert_eq!(
        panic_message(nested_runtime::handler_nested_inline(4)).await,
        NESTED
    );
}

#[test]
fn the_sync_helper_works_from_plain_sync_code() -> anyhow::Result<()> {
    assert_eq!(nested_runtime::lookup_blocking(4)?, 40);
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn fix_1_await_the_future() {
    assert_eq!(nested_runtime::handler(4).await, 40);
}

#[tokio::test(start_paused = true)]
async fn fix_2_spawn_blocking_and_the_outer_handle() -> anyhow::Result<()> {
    assert_eq!(nested_runtime::handler_via_blocking_thread(4).await?, 40);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fix_3_block_in_place_on_a_multi_thread_runtime() -> anyhow::Result<()> {
    let task = tokio::spawn(async { nested_runtime::lookup_in_place(4) });
    assert_eq!(task.await?, 40);
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn fix_3_panics_on_a_current_thread_runtime() {
    let message = panic_message(async { nested_runtime::lookup_in_place(4) }).await;
    assert_eq!(
        message,
        "can call blocking only when running on the multi-threaded runtime"
    );
}
