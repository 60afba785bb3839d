//! Cancellation ignored: cleanup written after the `.await` is skipped when the query is
//! cancelled; a Drop guard runs it anyway.

use basics::ConfigError;
use pitfalls::cancellation_ignored::{self, Exhausted, Pool};
use testing::ms;
use tokio::time::{Instant, timeout};

#[tokio::test(start_paused = true)]
async fn a_cancelled_query_never_gives_its_connection_back() -> anyhow::Result<()> {
    let pool = Pool::new(2)?;
    let start = Instant::now();
    for _ in 0..2 {
        let cancelled = timeout(
            ms(50),
            cancellation_ignored::query_cleanup_at_end(&pool, ms(100)),
        );
        assert!(cancelled.await.is_err(), "the timeout cancels the query");
    }
    assert_eq!(start.elapsed(), ms(100));
    assert_eq!(pool.available(), 0, "both connections leaked");
    let next = cancellation_ignored::query_cleanup_at_end(&pool, ms(10)).await;
    assert_eq!(next, Err(Exhausted { size: 2 }));
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn a_guard_gives_the_connection_back_when_the_query_is_cancelled() -> anyhow::Result<()> {
    let pool = Pool::new(2)?;
    for _ in 0..2 {
        let cancelled = timeout(ms(50), cancellation_ignored::query(&pool, ms(100)));
        assert!(cancelled.await.is_err(), "the timeout cancels the query");
    }
    assert_eq!(pool.available(), 2);
    assert_eq!(cancellation_ignored::query(&pool, ms(10)).await, Ok(()));
    assert_eq!(pool.available(), 2);
    Ok(())
}

#[test]
fn a_pool_of_zero_connections_is_a_config_error() {
    assert_eq!(Pool::new(0).err(), Some(ConfigError::Zero { name: "size" }));
}
