//! Why [`tokio::spawn`] asks for `Send + 'static`, and the three ways to satisfy it: give the
//! task what it uses (`move`, `Arc`), keep what is not `Send` out of the span of an `.await`, or
//! do not spawn (`join!` borrows; a `LocalSet` runs what is not `Send`).
//!
//! The narrative, with the compiler's two errors, is the primer's section
//! [Send and 'static](../../../book/primer.html#send-and-static).
//!
//! The two programs of the section fail to compile, and rustdoc checks that they still do:
#![doc = concat!("```compile_fail,E0373\n", include_str!("../compile_fail/not_static.rs"), "```")]
#![doc = concat!("```compile_fail\n", include_str!("../compile_fail/not_send.rs"), "```")]

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::{JoinError, LocalSet};
use tokio::time::sleep;

// ANCHOR: fix_move
/// Fix 1, give the task what it uses: `async move` takes `names` into the task, and a clone of
/// an `Arc` shares one list with a second task. Returns the two counts.
///
/// # Errors
/// A [`JoinError`] if a task panicked (these cannot) or the runtime is shutting down.
///
/// # Cancel safety
/// Dropped at an `.await`, the spawned tasks are detached and finish on their own.
pub async fn fix_move(names: Vec<String>) -> Result<(usize, usize), JoinError> {
    let shared = Arc::new(names.clone());
    let owned = tokio::spawn(async move { names.len() });
    let reader = Arc::clone(&shared);
    let sharing = tokio::spawn(async move { reader.iter().filter(|n| n.len() > 3).count() });
    Ok((owned.await?, sharing.await?))
}
// ANCHOR_END: fix_move

// ANCHOR: fix_scope
/// Fix 2, keep what is not `Send` out of the span of an `.await`: the `Rc` lives in a block that
/// ends before the sleep, so the future never holds it while suspended. (Or use the `Send`
/// equivalent: `Arc` for `Rc`, `tokio::sync::Mutex` for a guard that must cross an `.await`.)
///
/// # Errors
/// A [`JoinError`] if the task panicked (it cannot) or the runtime is shutting down.
///
/// # Cancel safety
/// Dropped at its `.await`, the task is detached and finishes on its own.
pub async fn fix_scope(pause: Duration) -> Result<u32, JoinError> {
    tokio::spawn(async move {
        let visits = {
            let visits = Rc::new(1);
            *visits + 1
        }; // the Rc is gone here, before the .await
        sleep(pause).await;
        visits
    })
    .await
}
// ANCHOR_END: fix_scope

// ANCHOR: fix_no_spawn
/// Fix 3, do not spawn: `join!` runs two futures that borrow `names` inside the current task (no
/// `'static`, no `Send`), and a [`LocalSet`] runs a task that holds an `Rc` across an `.await` on
/// this thread. Returns the two counts and the local task's result.
///
/// # Errors
/// A [`JoinError`] if the local task panicked (it cannot).
///
/// # Cancel safety
/// Dropped at an `.await`, the joined futures and the local task are dropped with it.
pub async fn fix_no_spawn(
    names: &[String],
    pause: Duration,
) -> Result<(usize, usize, u32), JoinError> {
    let (count, letters) = tokio::join!(async { names.len() }, async {
        sleep(pause).await;
        names.iter().map(String::len).sum::<usize>()
    });
    let local = LocalSet::new();
    let visits = local
        .run_until(async move {
            tokio::task::spawn_local(async move {
                let visits = Rc::new(2);
                sleep(pause).await;
                *visits
            })
            .await
        })
        .await?;
    Ok((count, letters, visits))
}
// ANCHOR_END: fix_no_spawn
