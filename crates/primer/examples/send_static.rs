//! Send and 'static: the three fixes for the two errors `tokio::spawn` gives a first program,
//! each run: move what the task uses into it (or share an `Arc`), end the life of an `Rc` before
//! the `.await`, or do not spawn (`join!` borrows; a `LocalSet` runs what is not `Send`).
//!
//! Run: `cargo run -p primer --example send_static`
//!
//! Expected output (the golden transcript `send_static.txt` beside this file):
//! ```text
//! [+0.000s] fix 1, move / Arc: 3 names, 2 longer than 3 letters
//! ...
//! ```

use std::time::Duration;

use primer::send_static;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    let names: Vec<String> = ["ada", "grace", "barbara"].map(String::from).into();
    let (count, long) = send_static::fix_move(names.clone()).await?;
    t.line(format!(
        "fix 1, move / Arc: {count} names, {long} longer than 3 letters"
    ));
    let pause = Duration::from_millis(100);
    let visits = send_static::fix_scope(pause).await?;
    t.line(format!(
        "fix 2, Rc dropped before the .await: {visits} visits"
    ));
    let (count, letters, local) = send_static::fix_no_spawn(&names, pause).await?;
    t.line(format!(
        "fix 3, no spawn: join! borrowed {count} names ({letters} letters); \
         spawn_local kept an Rc across an .await: {local}"
    ));
    Ok(())
}
