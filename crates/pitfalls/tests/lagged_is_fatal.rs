//! Lagged treated as fatal: a slow subscriber that stops at the first error gets one message and
//! leaves; one that counts `Lagged` and goes on accounts for every message.

use pitfalls::lagged_is_fatal::{self, Received};
use testing::ms;
use tokio::sync::broadcast;

const MESSAGES: u32 = 20;

#[tokio::test(start_paused = true)]
async fn a_slow_subscriber_that_stops_at_the_first_error_silently_leaves() -> anyhow::Result<()> {
    let (tx, rx) = broadcast::channel(4);
    let (delivered, received) = tokio::join!(
        lagged_is_fatal::publish(tx, MESSAGES, ms(10)),
        lagged_is_fatal::subscribe_until_error(rx, ms(55)),
    );
    assert_eq!(received, [1], "it lagged once and stopped");
    assert!(
        delivered? < MESSAGES,
        "the publisher went on with no subscriber left"
    );
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn a_subscriber_that_counts_lagged_and_goes_on_accounts_for_every_message()
-> anyhow::Result<()> {
    let (tx, rx) = broadcast::channel(4);
    let (delivered, received) = tokio::join!(
        lagged_is_fatal::publish(tx, MESSAGES, ms(10)),
        lagged_is_fatal::subscribe(rx, ms(55)),
    );
    assert_eq!(delivered?, MESSAGES);
    let Received { messages, skipped } = received;
    assert!(skipped > 0);
    assert_eq!(messages.len() as u64 + skipped, u64::from(MESSAGES));
    assert_eq!(
        messages.last(),
        Some(&MESSAGES),
        "it read up to the last message"
    );
    Ok(())
}
