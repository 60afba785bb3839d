//! Test helpers shared by more than one test file of this crate.

use std::future::Future;

/// Polls `future` once on a runtime of its own, so the tasks it spawns live there, then drops
/// that runtime (which cancels them from outside) and finishes `future` on another runtime.
pub(crate) fn after_its_tasks_runtime_shut_down<F: Future>(future: F) -> F::Output {
    let build = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime")
    };
    let spawner = build();
    let mut future = Box::pin(future);
    {
        let _inside = spawner.enter();
        let mut cx = std::task::Context::from_waker(futures::task::noop_waker_ref());
        assert!(
            future.as_mut().poll(&mut cx).is_pending(),
            "its tasks never finish"
        );
    }
    drop(spawner);
    build().block_on(future)
}
