//! Nested runtime: sync code that builds a runtime and calls `block_on`, called from async code,
//! panics: "Cannot start a runtime from within a runtime". Python's `asyncio.run` inside a
//! running loop raises the same way.
//!
//! Three fixes: make the caller's path async and `.await` the future; from sync code running
//! inside a runtime, hop to a blocking thread (`spawn_blocking`) and use the outer runtime's
//! `Handle::block_on`; or, on a multi-thread runtime, `block_in_place` + `Handle::block_on`.
//! `cargo xtask lint-async` flags a `block_on` written inside async code, not one hidden in a
//! sync helper; the panic is certain, so any test that runs the path catches it.
//!
//! The lesson: `docs/pitfalls.md`, section *Nested runtime*.

use std::io;

use basics::TaskFailed;
use tokio::runtime::Handle;

/// The async work a sync helper wants: a lookup that yields once (a stand-in for a query).
///
/// # Cancel safety
/// Nothing to lose.
pub async fn lookup(key: u32) -> u32 {
    tokio::task::yield_now().await;
    key * 10
}

// ANCHOR: wrong
/// A sync helper that runs async code on a runtime of its own: fine from `main`, a panic
/// anywhere inside a runtime.
///
/// # Errors
/// When the runtime cannot be built.
///
/// # Panics
/// Inside a runtime: "Cannot start a runtime from within a runtime. ...".
pub fn lookup_blocking(key: u32) -> io::Result<u32> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(lookup(key)))
}

/// WRONG: async code calling the sync helper.
///
/// # Errors
/// As [`lookup_blocking`].
///
/// # Panics
/// Always, as [`lookup_blocking`] inside a runtime does.
pub async fn handler_nested(key: u32) -> io::Result<u32> {
    tokio::task::yield_now().await; // the request arrives
    lookup_blocking(key)
}

/// WRONG, the same written inline: here `cargo xtask lint-async` sees the `block_on`.
///
/// # Errors
/// When the runtime cannot be built.
///
/// # Panics
/// Always: "Cannot start a runtime from within a runtime. ...".
pub async fn handler_nested_inline(key: u32) -> io::Result<u32> {
    tokio::task::yield_now().await; // the request arrives
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(lookup(key))) // lint-async: allow(wrong version of the pitfall)
}
// ANCHOR_END: wrong

// ANCHOR: right
/// RIGHT, fix 1: the path is async all the way down; the future is awaited.
pub async fn handler(key: u32) -> u32 {
    lookup(key).await
}

/// The sync helper, given the runtime to use instead of building one: `Handle::block_on` runs
/// the future on the caller's runtime.
///
/// # Panics
/// On a runtime's worker thread ("Cannot start a runtime from within a runtime"): call it from a
/// blocking thread ([`handler_via_blocking_thread`]) or inside `block_in_place`
/// ([`lookup_in_place`]).
pub fn lookup_with(handle: &Handle, key: u32) -> u32 {
    handle.block_on(lookup(key))
}

/// RIGHT, fix 2: the sync helper runs on a blocking thread, where `Handle::block_on` is allowed.
///
/// # Errors
/// [`TaskFailed`] (index 0) when the helper panicked, or the runtime shut down under it.
pub async fn handler_via_blocking_thread(key: u32) -> Result<u32, TaskFailed> {
    let handle = Handle::current();
    tokio::task::spawn_blocking(move || lookup_with(&handle, key))
        .await
        .map_err(|error| TaskFailed::from_join_error(0, error))
}

/// RIGHT, fix 3, multi-thread runtime only: called from a task, `block_in_place` hands this
/// worker's other tasks to another worker, then the helper blocks here.
///
/// # Panics
/// Outside a runtime, and on a `current_thread` runtime ("can call blocking only when running
/// on the multi-threaded runtime").
pub fn lookup_in_place(key: u32) -> u32 {
    let handle = Handle::current();
    tokio::task::block_in_place(|| lookup_with(&handle, key))
}
// ANCHOR_END: right
