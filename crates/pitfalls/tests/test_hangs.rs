//! Tests that hang: a wait with no budget is still waiting after an hour (of paused time); a
//! named budget fails at once with the name of what it waited for.

use std::time::Duration;

use pitfalls::test_hangs::{self, ForgetfulEcho, NoReply};
use testing::{Budget, ms};
use tokio::time::Instant;

/// The service answers the first 2 requests; 3 are sent.
async fn three_requests() -> anyhow::Result<ForgetfulEcho> {
    let echo = ForgetfulEcho::spawn(2);
    for request in ["a", "b", "c"] {
        echo.requests.send(request.to_owned()).await?;
    }
    Ok(echo)
}

#[tokio::test(start_paused = true)]
async fn a_wait_without_a_budget_never_ends() -> anyhow::Result<()> {
    let mut echo = three_requests().await?;
    assert_eq!(
        test_hangs::next_reply(&mut echo.replies).await.as_deref(),
        Some("echo a")
    );
    assert_eq!(
        test_hangs::next_reply(&mut echo.replies).await.as_deref(),
        Some("echo b")
    );
    // The third reply never comes; without this hour-long bound the test would hang.
    let start = Instant::now();
    let hour = Duration::from_secs(3600);
    let third = tokio::time::timeout(hour, test_hangs::next_reply(&mut echo.replies)).await;
    assert!(third.is_err(), "still waiting after an hour");
    assert_eq!(start.elapsed(), hour);
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn a_named_budget_turns_the_hang_into_an_error() -> anyhow::Result<()> {
    let mut echo = three_requests().await?;
    for _ in 0..2 {
        test_hangs::reply_within(&mut echo.replies, "a reply", ms(500)).await??;
    }
    let start = Instant::now();
    let third = test_hangs::reply_within(&mut echo.replies, "the reply to c", ms(500)).await?;
    assert_eq!(
        third,
        Err(NoReply::TimedOut {
            what: "the reply to c".into(),
            budget: ms(500)
        })
    );
    assert_eq!(start.elapsed(), ms(500));
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn testing_budget_names_the_wait_that_hung() -> anyhow::Result<()> {
    let mut echo = three_requests().await?;
    let budget = Budget::new(Duration::from_secs(5));
    for _ in 0..2 {
        budget
            .wait("a reply", test_hangs::next_reply(&mut echo.replies))
            .await?;
    }
    let hung = budget
        .wait("the reply to c", test_hangs::next_reply(&mut echo.replies))
        .await
        .expect_err("the third reply never comes");
    assert_eq!(
        hung.to_string(),
        "hung: waited 5.000s for `the reply to c` (budget 5.000s)"
    );
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn a_zero_budget_is_a_config_error() -> anyhow::Result<()> {
    let mut echo = three_requests().await?;
    let refused = test_hangs::reply_within(&mut echo.replies, "x", Duration::ZERO).await;
    assert!(refused.is_err());
    Ok(())
}
