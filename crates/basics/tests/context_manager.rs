//! Async context manager on the paused clock: open 0.1 s, query 0.2 s, close 0.1 s; the scoped
//! helper closes on the error path; a guard dropped without `close` takes the fallback.

use std::time::Duration;

use basics::config::{ConfigError, MAX_DURATION};
use basics::context_manager::{Stats, Timings};
use basics::{ConnectionError, Database, with_connection};
use tokio::time::{Instant, sleep, timeout};

#[tokio::test(start_paused = true)]
async fn open_query_close_take_point_one_point_three_point_four_seconds() {
    let db = Database::new(Timings::default()).expect("the scenario's timings");
    let start = Instant::now();
    let mut conn = db.connect().await.expect("connect");
    assert_eq!(start.elapsed(), Duration::from_millis(100));
    assert_eq!(db.stats().open, 1);
    conn.query("SELECT 1").await.expect("query");
    assert_eq!(start.elapsed(), Duration::from_millis(300));
    conn.close().await;
    assert_eq!(start.elapsed(), Duration::from_millis(400));
    let expected = Stats {
        open: 0,
        closed: 1,
        abandoned: 0,
    };
    assert_eq!(db.stats(), expected);
}

#[tokio::test(start_paused = true)]
async fn the_scoped_helper_closes_after_a_successful_body() {
    let db = Database::default();
    let start = Instant::now();
    let rows: Result<String, ConnectionError> =
        with_connection(&db, async |conn| conn.query("SELECT 1").await).await;
    assert_eq!(rows.expect("query"), "1 row for `SELECT 1`");
    assert_eq!(start.elapsed(), Duration::from_millis(400));
    assert_eq!(db.stats().closed, 1);
}

#[derive(Debug, PartialEq)]
enum AppError {
    Db(ConnectionError),
    Invalid(&'static str),
}

impl From<ConnectionError> for AppError {
    fn from(error: ConnectionError) -> Self {
        AppError::Db(error)
    }
}

#[tokio::test(start_paused = true)]
async fn the_scoped_helper_closes_on_the_error_path_too() {
    let db = Database::default();
    let start = Instant::now();
    // The body fails after one good query: its error comes back only after the close.
    let outcome: Result<(), AppError> = with_connection(&db, async |conn| {
        conn.query("SELECT 1").await?;
        Err(AppError::Invalid("unexpected row"))
    })
    .await;
    assert_eq!(outcome, Err(AppError::Invalid("unexpected row")));
    assert_eq!(start.elapsed(), Duration::from_millis(400));
    // A connection error through `?` takes the same path.
    let outcome: Result<String, AppError> =
        with_connection(&db, async |conn| Ok(conn.query("  ").await?)).await;
    assert_eq!(outcome, Err(AppError::Db(ConnectionError::EmptyQuery)));
    let expected = Stats {
        open: 0,
        closed: 2,
        abandoned: 0,
    };
    assert_eq!(db.stats(), expected);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_connection_is_marked_abandoned_not_closed() {
    let db = Database::default();
    let conn = db.connect().await.expect("connect");
    let before = Instant::now();
    drop(conn); // no close: the synchronous fallback runs, and takes no time
    assert_eq!(before.elapsed(), Duration::ZERO);
    let expected = Stats {
        open: 0,
        closed: 0,
        abandoned: 1,
    };
    assert_eq!(db.stats(), expected);
}

#[tokio::test(start_paused = true)]
async fn cancelling_the_scope_mid_body_skips_close_and_takes_the_fallback() {
    let db = Database::default();
    let start = Instant::now();
    let outcome = timeout(
        Duration::from_millis(200),
        with_connection(&db, async |conn| -> Result<String, ConnectionError> {
            conn.query("SELECT pg_sleep(10)").await?;
            sleep(Duration::from_secs(10)).await;
            Ok(String::new())
        }),
    )
    .await;
    assert!(outcome.is_err(), "the timeout fires mid-query");
    assert_eq!(start.elapsed(), Duration::from_millis(200));
    let expected = Stats {
        open: 0,
        closed: 0,
        abandoned: 1,
    };
    assert_eq!(db.stats(), expected);
}

#[tokio::test(start_paused = true)]
async fn an_empty_query_is_a_typed_error_at_once() {
    let db = Database::default();
    let mut conn = db.connect().await.expect("connect");
    let start = Instant::now();
    assert_eq!(conn.query("").await, Err(ConnectionError::EmptyQuery));
    assert_eq!(ConnectionError::EmptyQuery.to_string(), "empty query");
    assert_eq!(start.elapsed(), Duration::ZERO);
    conn.close().await;
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_connect_leaves_nothing_open() {
    let db = Database::default();
    assert!(
        timeout(Duration::from_millis(50), db.connect())
            .await
            .is_err()
    );
    assert_eq!(db.stats(), Stats::default());
}

#[tokio::test(start_paused = true)]
async fn steps_may_take_no_time_but_not_longer_than_the_maximum() {
    let instant = Timings {
        open: Duration::ZERO,
        query: Duration::ZERO,
        close: Duration::ZERO,
    };
    let db = Database::new(instant).expect("zero is allowed: a step that takes no time");
    let start = Instant::now();
    let rows = with_connection(&db, async |conn| conn.query("SELECT 1").await).await;
    assert_eq!(rows.as_deref(), Ok("1 row for `SELECT 1`"));
    assert_eq!(start.elapsed(), Duration::ZERO);

    let forever = Timings {
        query: Duration::MAX,
        ..Timings::default()
    };
    let error = Database::new(forever).expect_err("a query that never ends");
    assert!(
        matches!(
            error,
            ConfigError::TooLong {
                name: "query",
                value: Duration::MAX,
                max: MAX_DURATION
            }
        ),
        "{error:?}"
    );
}
