//! The chat's table rows, on a real WebSocket server on 127.0.0.1 and the real clock.

mod common;

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use real_world::chat::{self, code};
use tokio_tungstenite::tungstenite::Message;

const BOUND: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn normal_clients_get_every_message_in_order_and_the_slow_one_is_told() {
    let server = chat::start(Duration::from_millis(400)).await.unwrap();
    let run = tokio::time::timeout(BOUND, chat::broadcast_run(&server, 300, 16 * 1024))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.in_order, [true, true, true]);
    let (code, reason) = run.slow_close.expect("the slow client got a close frame");
    assert_eq!(code, code::POLICY);
    assert!(reason.starts_with("too slow: missed "), "{reason}");
    assert_eq!(server.stats.policy_closes.get(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_oversized_and_flooding_clients_are_closed_and_the_others_served() {
    let server = chat::start(Duration::from_millis(400)).await.unwrap();
    let mut bob = chat::connect(&server, "bob").await.unwrap();
    assert_eq!(
        chat::raw_frame(&server, &[0x81, 0x02, b'h', b'i'])
            .await
            .unwrap(),
        Some(1002)
    );
    let mut big = chat::connect(&server, "big").await.unwrap();
    big.send(Message::text("x".repeat(chat::MAX_MESSAGE + 1)))
        .await
        .unwrap();
    assert_eq!(chat::close_of(&mut big).await.map(|c| c.0), Some(1009));
    let mut flood = chat::connect(&server, "flood").await.unwrap();
    for n in 0..2000 {
        if flood
            .send(Message::text(format!("spam {n}")))
            .await
            .is_err()
        {
            break;
        }
    }
    let (code, reason) = chat::close_of(&mut flood).await.unwrap();
    assert_eq!(code, 1008);
    assert_eq!(
        reason,
        format!("flooding: over {} messages a second", chat::RATE)
    );
    // Bob is still served.
    let mut alice = chat::connect(&server, "alice").await.unwrap();
    alice.send(Message::text("0 hello")).await.unwrap();
    let (seen, _) = tokio::time::timeout(BOUND, chat::read_sequence(&mut bob, "alice", 1))
        .await
        .unwrap();
    assert_eq!(seen, [0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_sends_every_client_close_1001_within_500_ms() {
    let server = chat::start(Duration::from_millis(400)).await.unwrap();
    let mut clients = Vec::new();
    for name in ["a", "b", "c"] {
        clients.push(chat::connect(&server, name).await.unwrap());
    }
    // Every connection is registered once the server has upgraded it.
    while server.stats.connections.get() < 3 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let report = server.shutdown().await;
    assert!(report.drain_time < Duration::from_millis(500), "{report}");
    assert!(report.aborted.is_empty());
    for mut client in clients {
        let (code, reason) = chat::close_of(&mut client).await.unwrap();
        assert_eq!(
            (code, reason.as_str()),
            (code::GOING_AWAY, "server shutting down")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_2000_messages_nothing_lost_memory_bounded() {
    let server = chat::start(Duration::from_millis(400)).await.unwrap();
    let before = common::rss();
    let run = tokio::time::timeout(BOUND, chat::broadcast_run(&server, 2000, 1024))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.in_order, [true, true, true]);
    let growth = common::rss().saturating_sub(before);
    assert!(growth < 64 << 20, "memory grew by {growth} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_reset_mid_session_and_a_server_restart_are_handled() {
    let server = chat::start(Duration::from_millis(400)).await.unwrap();
    let mut bob = chat::connect(&server, "bob").await.unwrap();
    // A client vanishes without a close handshake (its TCP connection dropped).
    let gone = chat::connect(&server, "gone").await.unwrap();
    drop(gone);
    let mut alice = chat::connect(&server, "alice").await.unwrap();
    alice.send(Message::text("0 still there?")).await.unwrap();
    let (seen, _) = tokio::time::timeout(BOUND, chat::read_sequence(&mut bob, "alice", 1))
        .await
        .unwrap();
    assert_eq!(seen, [0]);
    // The server restarts: bob is told to go away, and reconnects to the new server.
    let report = server.shutdown().await;
    assert_eq!(report.panicked, 0);
    assert_eq!(
        chat::close_of(&mut bob).await.map(|c| c.0),
        Some(code::GOING_AWAY)
    );
    let server = chat::start(Duration::from_millis(400)).await.unwrap();
    let mut bob = chat::connect(&server, "bob").await.unwrap();
    let mut alice = chat::connect(&server, "alice").await.unwrap();
    alice.send(Message::text("1 welcome back")).await.unwrap();
    let next = tokio::time::timeout(BOUND, bob.next()).await.unwrap();
    assert!(matches!(next, Some(Ok(Message::Text(t))) if t.as_str() == "alice: 1 welcome back"));
}

#[test]
fn the_example_runs_under_3_s_and_prints_its_transcript() {
    common::assert_runs_under_3s_and_matches_its_transcript("chat");
}
