//! A new client per request: 20 requests to a loopback server that counts the connections it
//! accepts; a new client for each request, then one client reused.
//!
//! Run: `cargo run --example client_per_request`
//!
//! Expected output: the golden transcript `client_per_request.txt` beside this file. Real sockets
//! on 127.0.0.1: only counts are printed.

use pitfalls::client_per_request::{self, Client, CountingServer};
use testing::Transcript;

const REQUESTS: usize = 20;

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    t.raw(format!(
        "{REQUESTS} requests to a loopback server that counts connections"
    ));
    let server = CountingServer::spawn().await?;
    let replies = client_per_request::fetch_with_a_client_each(server.addr(), REQUESTS).await?;
    t.raw(format!(
        "wrong: a new client per request: {} replies, {} connections accepted",
        replies.len(),
        server.accepted()
    ));

    let server = CountingServer::spawn().await?;
    let mut client = Client::connect(server.addr()).await?;
    let replies = client_per_request::fetch_with(&mut client, REQUESTS).await?;
    t.raw(format!(
        "right: one client, reused: {} replies, {} connection accepted",
        replies.len(),
        server.accepted()
    ));
    Ok(())
}
