//! Fixtures: a server per test, an address and a guard, two kinds of teardown.
//!
//! These tests use real sockets, so they run on the real clock (`#[tokio::test]` without
//! `start_paused`): under a paused clock, a timeout beside a socket fires early.

use std::io;

use testing::TestApp;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;

async fn shout(stream: &mut TcpStream, line: &str) -> io::Result<String> {
    stream.write_all(format!("{line}\n").as_bytes()).await?;
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer).await?;
    Ok(answer.trim_end().to_owned())
}

// ANCHOR: fixture
#[tokio::test]
async fn each_test_gets_its_own_server_and_tears_it_down() -> io::Result<()> {
    let app = TestApp::spawn().await?; // 127.0.0.1:0, a port nobody else has
    let mut stream = TcpStream::connect(app.addr()).await?;
    assert_eq!(shout(&mut stream, "ping").await?, "PING");
    drop(stream); // the connection ends, so the async teardown has nothing to wait for
    let teardown = app.shutdown().await; // stop accepting, wait, report
    assert_eq!(teardown.connections, 1);
    assert!(teardown.clean);
    Ok(())
}

#[tokio::test]
async fn two_fixtures_never_share_a_port() -> io::Result<()> {
    let (a, b) = (TestApp::spawn().await?, TestApp::spawn().await?);
    assert_ne!(a.addr(), b.addr());
    Ok(())
}
// ANCHOR_END: fixture

// ANCHOR: drop
#[tokio::test]
async fn dropping_the_fixture_cancels_the_server_and_its_connections() -> io::Result<()> {
    let app = TestApp::spawn().await?;
    let addr = app.addr();
    let mut stream = TcpStream::connect(addr).await?;
    assert_eq!(shout(&mut stream, "first").await?, "FIRST");
    drop(app); // `Drop` cannot await: it aborts the server task and returns
    tokio::task::yield_now().await; // the runtime drops the aborted task at its next turn
    // The open connection was dropped with the server: the next read sees end of file (or a
    // reset), and nothing accepts new connections.
    let answer = shout(&mut stream, "second").await;
    assert!(answer.as_deref().map_or(true, str::is_empty), "{answer:?}");
    assert!(TcpStream::connect(addr).await.is_err());
    Ok(())
}
// ANCHOR_END: drop
