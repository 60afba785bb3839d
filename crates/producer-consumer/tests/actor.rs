//! The actor on the paused clock: commands are applied one at a time with no lost update, the
//! actor stops when the last handle drops, and a stopped actor is a typed error.

use std::time::Duration;

use basics::config::{ConfigError, MAX_CAPACITY};
use basics::task::TaskFailed;
use producer_consumer::actor::{ActorStopped, AddError, Counters};
use tokio::task::JoinSet;
use tokio::time::{sleep, timeout};

#[tokio::test(start_paused = true)]
async fn capacity_zero_or_too_large_is_a_config_error() {
    assert_eq!(
        Counters::spawn(0).unwrap_err(),
        ConfigError::Zero { name: "capacity" }
    );
    assert_eq!(
        Counters::spawn(usize::MAX).unwrap_err(),
        ConfigError::TooLarge {
            name: "capacity",
            value: usize::MAX,
            max: MAX_CAPACITY
        }
    );
}

#[tokio::test(start_paused = true)]
async fn concurrent_adds_lose_no_update() {
    let (counters, actor) = Counters::spawn(2).expect("capacity 2");
    let mut clients = JoinSet::new();
    for _ in 0..10 {
        let counters = counters.clone();
        clients.spawn(async move {
            for _ in 0..10 {
                counters.add("hits", 1).await.expect("actor alive");
                tokio::task::yield_now().await;
            }
        });
    }
    while let Some(joined) = clients.join_next().await {
        joined.expect("no panic");
    }
    assert_eq!(counters.get("hits").await, Ok(Some(100)));
    drop(counters);
    assert_eq!(actor.join().await.expect("no panic")["hits"], 100);
}

#[tokio::test(start_paused = true)]
async fn the_actor_stops_when_the_last_handle_drops() {
    let (counters, actor) = Counters::spawn(4).expect("capacity 4");
    let other = counters.clone();
    drop(counters);
    sleep(Duration::from_secs(1)).await;
    assert!(!actor.is_finished(), "one handle is still alive");
    other.add("x", 5).await.expect("alive");
    drop(other);
    let last = timeout(Duration::from_secs(1), actor.join())
        .await
        .expect("the actor stops by itself")
        .expect("no panic");
    assert_eq!(last["x"], 5);
}

#[tokio::test(start_paused = true)]
async fn a_stopped_actor_is_a_typed_error() {
    let (counters, actor) = Counters::spawn(4).expect("capacity 4");
    actor.abort();
    assert!(matches!(
        actor.join().await,
        Err(TaskFailed::Cancelled { index: 0 })
    ));
    assert_eq!(
        counters.add("x", 1).await,
        Err(AddError::Stopped(ActorStopped))
    );
    assert_eq!(counters.get("x").await, Err(ActorStopped));
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_add_still_applies_once_queued() {
    let (counters, actor) = Counters::spawn(4).expect("capacity 4");
    // Poll `add` once: the command is queued, then the caller gives up before the reply.
    let mut add = tokio_test::task::spawn(counters.add("x", 1));
    assert!(add.poll().is_pending());
    drop(add);
    assert_eq!(counters.get("x").await, Ok(Some(1)));
    drop(counters);
    assert_eq!(actor.join().await.expect("no panic")["x"], 1);
}

#[tokio::test(start_paused = true)]
async fn an_overflowing_add_is_refused_and_the_actor_lives_on() {
    // Issue 10, item 4: the overflow used to panic the actor and lose every key's count.
    let (counters, actor) = Counters::spawn(4).expect("capacity 4");
    counters.add("other", 7).await.expect("alive");
    assert_eq!(counters.add("big", i64::MAX).await, Ok(i64::MAX));
    assert_eq!(
        counters.add("big", 1).await,
        Err(AddError::Overflow {
            count: i64::MAX,
            delta: 1
        })
    );
    assert_eq!(
        counters.add("big", i64::MIN).await,
        Ok(-1),
        "the refused add changed nothing"
    );
    assert_eq!(counters.get("other").await, Ok(Some(7)));
    drop(counters);
    let last = actor.join().await.expect("the actor never panicked");
    assert_eq!((last["big"], last["other"]), (-1, 7));
}
