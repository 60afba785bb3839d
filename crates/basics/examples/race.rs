//! First success race: three mirrors, the first *successful* answer wins and the rest are
//! cancelled. Mirror a refuses at +0.1 s, mirror b answers at +0.3 s, mirror c would answer at
//! +0.5 s.
//!
//! Run: `cargo run --example race`
//!
//! Expected output (the golden transcript `race.txt` beside this file; in real time the stamps
//! drift by a few milliseconds):
//! ```text
//! [+0.000s] first completed (what asyncio.wait(FIRST_COMPLETED) returns)
//! [+0.100s]   -> Err("naive a refused"): a fast failure won the race
//! [+0.100s] first ok: basics::first_ok
//! [+0.400s]   -> winner: first_ok b (index 1); the slower mirror c was cancelled
//! ...
//! ```

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use testing::Transcript;
use tokio::time::sleep;

type Answer = Result<String, String>;
type Mirror = Pin<Box<dyn Future<Output = Answer> + Send>>;

// ANCHOR: mirror
/// A stand-in for one mirror: `a` refuses after 0.1 s, `b` answers after 0.3 s, `c` after 0.5 s.
fn mirror(t: &Transcript, phase: &str, name: char) -> Mirror {
    let (ms, ok) = match name {
        'a' => (100, false),
        'b' => (300, true),
        _ => (500, true),
    };
    timed_mirror(t, format!("{phase} {name}"), ms, ok)
}

fn timed_mirror(t: &Transcript, label: String, ms: u64, ok: bool) -> Mirror {
    // Ends with `!` on the timeline if the mirror is dropped (cancelled) before it answers.
    let attempt = t.task_span(label.clone());
    Box::pin(async move {
        sleep(Duration::from_millis(ms)).await;
        attempt.end_with(if ok { '#' } else { 'x' });
        if ok {
            Ok(label)
        } else {
            Err(format!("{label} refused"))
        }
    })
}
// ANCHOR_END: mirror

fn mirrors(t: &Transcript, phase: &str) -> [Mirror; 3] {
    ['a', 'b', 'c'].map(|name| mirror(t, phase, name))
}

// ANCHOR: select_two
/// Two fixed branches with `select!`: a branch that fails is switched off by its `if` guard and
/// the loop waits for the other one.
async fn primary_or_backup(primary: Mirror, backup: Mirror) -> Result<String, [String; 2]> {
    let (mut primary, mut backup) = (primary, backup);
    let (mut primary_error, mut backup_error) = (None, None);
    loop {
        tokio::select! {
            answer = &mut primary, if primary_error.is_none() => match answer {
                Ok(value) => return Ok(value), // returning drops `backup`: it is cancelled
                Err(error) => primary_error = Some(error),
            },
            answer = &mut backup, if backup_error.is_none() => match answer {
                Ok(value) => return Ok(value),
                Err(error) => backup_error = Some(error),
            },
            // Both guards are off: every branch failed.
            else => break,
        }
    }
    Err([
        primary_error.unwrap_or_default(),
        backup_error.unwrap_or_default(),
    ])
}
// ANCHOR_END: select_two

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: naive
    t.line("first completed (what asyncio.wait(FIRST_COMPLETED) returns)");
    let (first, _, losers) = futures::future::select_all(mirrors(&t, "naive")).await;
    drop(losers); // cancel the rest, as the Python version does
    t.line(format!("  -> {first:?}: a fast failure won the race"));
    // ANCHOR_END: naive

    // ANCHOR: first_ok
    t.line("first ok: basics::first_ok");
    let winner = basics::first_ok(mirrors(&t, "first_ok")).await?;
    t.line(format!(
        "  -> winner: {} (index {}); the slower mirror c was cancelled",
        winner.value, winner.index
    ));
    // ANCHOR_END: first_ok

    t.line("two fixed branches: select! with if guards");
    let primary = mirror(&t, "select!", 'a');
    let backup = mirror(&t, "select!", 'b');
    let answer = primary_or_backup(primary, backup).await;
    t.line(format!("  -> {answer:?}"));

    // ANCHOR: select_ok
    t.line("futures::future::select_ok (boxed futures; panics on an empty input)");
    let (value, still_running) = futures::future::select_ok(mirrors(&t, "select_ok"))
        .await
        .map_err(|last_error| anyhow::anyhow!("every mirror failed, the last with {last_error}"))?;
    drop(still_running);
    t.line(format!("  -> winner: {value}"));
    // ANCHOR_END: select_ok

    t.line("one task per mirror: basics::spawn_first_ok (JoinSet + abort_all)");
    let winner = basics::spawn_first_ok(mirrors(&t, "JoinSet")).await?;
    t.line(format!(
        "  -> winner: {}; the other tasks aborted",
        winner.value
    ));

    t.line("every mirror refuses");
    let refusals = [(1, 200), (2, 100), (3, 300)]
        .map(|(n, ms)| timed_mirror(&t, format!("all fail {n}"), ms, false));
    match basics::first_ok(refusals).await {
        Err(basics::RaceError::AllFailed { errors }) => {
            t.line(format!("  -> all failed: {errors:?}"));
        }
        other => anyhow::bail!("expected every mirror to fail, got {other:?}"),
    }
    t.print_timeline();
    Ok(())
}
