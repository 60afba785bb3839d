//! A new client per request: the loopback server accepts one connection per request; with one
//! client reused, one connection in all.
//!
//! Real sockets, so these tests run on the real clock (the paused clock's auto-advance fires
//! timers while the kernel is still delivering bytes); they use no timer and assert counts only.

use pitfalls::client_per_request::{self, Client, CountingServer};

const REQUESTS: usize = 20;

#[tokio::test]
async fn a_client_per_request_opens_a_connection_per_request() -> anyhow::Result<()> {
    let server = CountingServer::spawn().await?;
    let replies = client_per_request::fetch_with_a_client_each(server.addr(), REQUESTS).await?;
    assert_eq!(replies.len(), REQUESTS);
    assert_eq!(replies[3], "ok get 3");
    assert_eq!(server.accepted(), REQUESTS);
    Ok(())
}

#[tokio::test]
async fn one_client_reused_opens_one_connection() -> anyhow::Result<()> {
    let server = CountingServer::spawn().await?;
    let mut client = Client::connect(server.addr()).await?;
    let replies = client_per_request::fetch_with(&mut client, REQUESTS).await?;
    assert_eq!(replies.len(), REQUESTS);
    assert_eq!(replies[3], "ok get 3");
    assert_eq!(server.accepted(), 1);
    Ok(())
}
