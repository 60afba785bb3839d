//! Implementing `Stream` by hand: `Paced` yields an iterator's items 0.1 s apart through
//! `poll_next`, the same timing as the `stream!` generator; then the same stream polled by hand.
//!
//! Run: `cargo run --example stream_impl`
//!
//! Expected output (the golden transcript `stream_impl.txt` beside this file):
//! ```text
//! [+0.000s] size hint (3, Some(3))
//! [+0.100s] got "a"
//! ...
//! ```

use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use futures::{Stream, StreamExt};
use streams::Paced;
use testing::Transcript;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let mut letters = pin!(Paced::new(["a", "b", "c"], Duration::from_millis(100))?);
    t.line(format!("size hint {:?}", letters.size_hint()));
    while let Some(letter) = letters.next().await {
        t.line(format!("got {letter:?}"));
    }
    t.line(format!("after the end: {:?} (fused)", letters.next().await));

    // What `.next().await` does underneath: poll, get `Pending`, wait for the waker, poll again.
    let mut one = pin!(Paced::new([42], Duration::from_millis(100))?);
    let mut polls = 0;
    let item = std::future::poll_fn(|cx| {
        polls += 1;
        match one.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            ready => ready,
        }
    })
    .await;
    t.line(format!("poll_next by hand: {item:?} after {polls} polls"));
    // ANCHOR_END: main
    Ok(())
}
