//! Fixtures: a server per test on 127.0.0.1:0, handed back as an address and a guard, with an
//! async teardown and a drop that cancels.
//!
//! Run: `cargo run --example fixtures`
//!
//! The example uses real sockets and no timers, so it prints the same lines on either clock.
//! Expected output (the golden transcript `fixtures.txt` beside this file):
//! ```text
//! [+0.000s] fixture up on 127.0.0.1 (port picked by the OS)
//! ...
//! ```

use testing::{TestApp, Transcript};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn shout(stream: &mut TcpStream, line: &str) -> std::io::Result<String> {
    stream.write_all(format!("{line}\n").as_bytes()).await?;
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer).await?;
    Ok(answer.trim_end().to_owned())
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let app = TestApp::spawn().await?;
    t.line(format!(
        "fixture up on {} (port picked by the OS)",
        app.addr().ip()
    ));
    let mut stream = TcpStream::connect(app.addr()).await?;
    t.line(format!("ping -> {}", shout(&mut stream, "ping").await?));
    drop(stream);
    let teardown = app.shutdown().await;
    t.line(format!(
        "async teardown: {} connection(s) served, clean: {}",
        teardown.connections, teardown.clean
    ));

    let app = TestApp::spawn().await?;
    let addr = app.addr();
    let mut stream = TcpStream::connect(addr).await?;
    t.line(format!(
        "second fixture: hello -> {}",
        shout(&mut stream, "hello").await?
    ));
    drop(app); // Drop cannot await: it aborts the server task
    tokio::task::yield_now().await;
    let after = shout(&mut stream, "again").await;
    t.line(format!(
        "after drop: open connection answered: {}, new connection accepted: {}",
        after.is_ok_and(|answer| !answer.is_empty()),
        TcpStream::connect(addr).await.is_ok()
    ));
    // ANCHOR_END: main
    Ok(())
}
