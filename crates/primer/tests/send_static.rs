//! The three fixes for `Send + 'static` compile and give the right answers (the two errors are
//! `compile_fail` doctests of the `send_static` module).

use primer::send_static::{fix_move, fix_no_spawn, fix_scope};
use testing::ms;
use tokio::time::Instant;

fn names() -> Vec<String> {
    ["ada", "grace", "barbara"].map(String::from).into()
}

#[tokio::test(start_paused = true)]
async fn fix_move_gives_the_task_its_data() {
    assert_eq!(fix_move(names()).await.ok(), Some((3, 2)));
}

#[tokio::test(start_paused = true)]
async fn fix_scope_ends_the_rc_before_the_await() {
    let start = Instant::now();
    assert_eq!(fix_scope(ms(100)).await.ok(), Some(2));
    assert_eq!(start.elapsed(), ms(100));
}

#[tokio::test(start_paused = true)]
async fn fix_no_spawn_borrows_and_runs_local_tasks() {
    let start = Instant::now();
    let names = names();
    assert_eq!(fix_no_spawn(&names, ms(100)).await.ok(), Some((3, 15, 2)));
    // join! runs its two futures concurrently (100 ms), then the local task (100 ms).
    assert_eq!(start.elapsed(), ms(200));
    assert_eq!(names.len(), 3, "still ours: only borrowed");
}
