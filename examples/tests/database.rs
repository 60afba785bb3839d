//! The database app's table rows, on real SQLite files in a temporary folder.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use real_world::database::{self, ACCOUNTS, OPENING};

const BOUND: Duration = Duration::from_secs(10);

async fn fresh() -> (tempfile::TempDir, database::Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = database::open(&dir.path().join("bank.db")).await.unwrap();
    database::seed(&db).await.unwrap();
    (dir, db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_reads_on_a_read_pool_of_4_all_succeed() {
    let (_dir, db) = fresh().await;
    assert_eq!(db.read.options().get_max_connections(), 4);
    let reads = (0..100).map(|_| database::total(&db.read));
    let totals = tokio::time::timeout(BOUND, futures::future::join_all(reads))
        .await
        .unwrap();
    assert!(
        totals
            .iter()
            .all(|t| *t.as_ref().unwrap() == ACCOUNTS * OPENING)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn begin_immediate_on_one_writer_gives_no_busy_and_deferred_does() {
    let (dir, db) = fresh().await;
    let immediate =
        tokio::time::timeout(BOUND, database::transfers(&db.write, "BEGIN IMMEDIATE", 50))
            .await
            .unwrap();
    assert_eq!(
        immediate,
        database::Transfers {
            committed: 50,
            busy: 0,
            other: 0
        }
    );
    assert_eq!(database::total(&db.read).await.unwrap(), ACCOUNTS * OPENING);

    let naive = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(
            sqlx::sqlite::SqliteConnectOptions::new()
                .filename(dir.path().join("bank.db"))
                .busy_timeout(Duration::from_secs(2)),
        )
        .await
        .unwrap();
    let deferred = tokio::time::timeout(BOUND, database::transfers(&naive, "BEGIN", 50))
        .await
        .unwrap();
    assert!(deferred.busy > 0, "{deferred:?}");
    assert_eq!(deferred.committed + deferred.busy + deferred.other, 50);
    // Every failed transfer rolled back: money is neither made nor lost.
    assert_eq!(database::total(&db.read).await.unwrap(), ACCOUNTS * OPENING);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_transfer_rolls_back() {
    let (_dir, db) = fresh().await;
    let before = database::balances(&db.read).await.unwrap();
    let error = database::transfer(&db.write, "BEGIN IMMEDIATE", 1, 2, 1_000_000)
        .await
        .unwrap_err();
    assert_eq!(
        database::message(&error),
        "CHECK constraint failed: balance >= 0"
    );
    assert_eq!(database::balances(&db.read).await.unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_orders_profile_at_once_and_one_error_cancels_the_rest() {
    let (_dir, db) = fresh().await;
    let dropped = Arc::new(AtomicBool::new(false));
    let page = database::user_page(&db.read, 1, Arc::clone(&dropped))
        .await
        .unwrap();
    assert_eq!(page.orders, ["book", "lamp"]);
    assert!(!dropped.load(Ordering::SeqCst));
    let dropped = Arc::new(AtomicBool::new(false));
    let error = database::user_page(&db.read, 2, Arc::clone(&dropped))
        .await
        .unwrap_err();
    assert!(matches!(error, sqlx::Error::RowNotFound), "{error:?}");
    assert!(
        dropped.load(Ordering::SeqCst),
        "the orders query was cancelled"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_in_memory_database_behind_a_pool_of_4_is_four_databases_unless_shared() {
    let error = database::in_memory(false).await.unwrap_err();
    assert_eq!(database::message(&error), "no such table: notes");
    assert_eq!(database::in_memory(true).await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_5000_reads_and_200_transfers_nothing_lost_memory_bounded() {
    let (_dir, db) = fresh().await;
    let before = common::rss();
    let reads = async {
        let limit = concurrency_control::BoundedMap::new(16).unwrap();
        limit
            .unordered(0..5000, |_| database::total(&db.read))
            .await
    };
    let writes = database::transfers(&db.write, "BEGIN IMMEDIATE", 200);
    let (reads, writes) = tokio::time::timeout(BOUND, async { tokio::join!(reads, writes) })
        .await
        .unwrap();
    assert!(
        reads
            .iter()
            .all(|r| *r.as_ref().unwrap() == ACCOUNTS * OPENING)
    );
    assert_eq!(writes.committed, 200);
    let growth = common::rss().saturating_sub(before);
    assert!(growth < 64 << 20, "memory grew by {growth} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_database_reports_closed_pools_then_recovers_with_its_data() {
    let (dir, db) = fresh().await;
    database::transfer(&db.write, "BEGIN IMMEDIATE", 1, 2, 100)
        .await
        .unwrap();
    // The "server" goes down mid-run: the pools close under their users.
    db.write.close().await;
    db.read.close().await;
    let error = database::total(&db.read).await.unwrap_err();
    assert!(matches!(error, sqlx::Error::PoolClosed), "{error:?}");
    // Restarted: the committed transfer survived.
    let db = database::open(&dir.path().join("bank.db")).await.unwrap();
    let balances = database::balances(&db.read).await.unwrap();
    assert_eq!(balances[0..2], [OPENING - 100, OPENING + 100]);
}

#[test]
fn the_example_runs_under_3_s_and_prints_its_transcript() {
    common::assert_runs_under_3s_and_matches_its_transcript("database");
}
