//! No reactor: a tokio API used where its driver is missing panics. `tokio::spawn` outside any
//! runtime: "there is no reactor running, must be called from the context of a Tokio 1.x
//! runtime"; a timer on a runtime built without `enable_time`: "A Tokio 1.x context was found,
//! but timers are disabled. Call `enable_time` on the runtime builder to enable timers."; a
//! socket on a runtime without `enable_io`: the same sentence about IO and `enable_io`.
//!
//! Python's nearest is `asyncio.get_running_loop()` with no loop running ("no running event
//! loop"). The fixes: `enable_all()` on the builder (what `#[tokio::main]` does), and
//! `Handle::enter` (or `Handle::spawn`) to use a runtime from sync code outside it. No lint
//! sees a missing driver; the panic is certain on the first call, so any test that runs the
//! path catches it.
//!
//! The lesson: `docs/pitfalls.md`, section *No reactor*.

use std::io;

use tokio::runtime::{Handle, Runtime};
use tokio::task::JoinHandle;

/// The background job that the sync code starts.
async fn job() -> u32 {
    tokio::task::yield_now().await;
    42
}

// ANCHOR: wrong
/// WRONG: a runtime built without its drivers: the first timer or socket on it panics.
///
/// # Errors
/// When the runtime cannot be built.
pub fn runtime_without_drivers() -> io::Result<Runtime> {
    tokio::runtime::Builder::new_current_thread().build()
}

/// WRONG: sync code that starts a task with `tokio::spawn`, which looks for a runtime in the
/// calling thread's context.
///
/// # Panics
/// On a thread that has not entered a runtime: "there is no reactor running, ...".
#[must_use = "dropping the handle detaches the job"]
pub fn start_job() -> JoinHandle<u32> {
    tokio::spawn(job())
}
// ANCHOR_END: wrong

// ANCHOR: right
/// RIGHT: every driver enabled, as `#[tokio::main]` and `#[tokio::test]` do.
///
/// # Errors
/// When the runtime cannot be built (the OS refuses its I/O driver).
pub fn runtime() -> io::Result<Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// RIGHT: sync code is handed the runtime and enters it; while the guard lives, `tokio::spawn`
/// (and any tokio type's constructor) finds it. `handle.spawn(job())` does the same in one call.
#[must_use = "dropping the handle detaches the job"]
pub fn start_job_on(handle: &Handle) -> JoinHandle<u32> {
    let _entered = handle.enter();
    tokio::spawn(job())
}
// ANCHOR_END: right
