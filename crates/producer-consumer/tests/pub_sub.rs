//! Publish and subscribe on the paused clock: every subscriber sees every message, the publisher
//! never waits, and a lagging subscriber is told how many it missed and carries on.

use std::time::Duration;

use basics::config::{ConfigError, MAX_CAPACITY};
use producer_consumer::pub_sub::{self, Delivery};
use tokio::time::{Instant, sleep};

#[test]
fn capacity_zero_or_too_large_is_a_config_error() {
    assert_eq!(
        pub_sub::channel::<u8>(0).unwrap_err(),
        ConfigError::Zero { name: "capacity" }
    );
    assert_eq!(
        pub_sub::channel::<u8>(usize::MAX).unwrap_err(),
        ConfigError::TooLarge {
            name: "capacity",
            value: usize::MAX,
            max: MAX_CAPACITY
        }
    );
}

#[tokio::test(start_paused = true)]
async fn every_subscriber_sees_every_message() {
    let (publisher, mut a) = pub_sub::channel(8).expect("capacity 8");
    let mut b = publisher.subscribe();
    assert_eq!(publisher.subscribers(), 2);
    for n in 0..5 {
        assert_eq!(publisher.publish(n), 2);
    }
    drop(publisher);
    for rx in [&mut a, &mut b] {
        let mut got = Vec::new();
        while let Some(delivery) = rx.recv().await {
            got.push(delivery);
        }
        assert_eq!(got, (0..5).map(Delivery::Message).collect::<Vec<_>>());
    }
}

#[tokio::test(start_paused = true)]
async fn a_lagging_subscriber_is_told_how_many_it_missed() {
    let (publisher, mut slow) = pub_sub::channel(3).expect("capacity 3");
    let reader = tokio::spawn(async move {
        let mut got = Vec::new();
        while let Some(delivery) = slow.recv().await {
            got.push(delivery);
            sleep(Duration::from_millis(350)).await;
        }
        got
    });
    let start = Instant::now();
    for n in 0..10 {
        publisher.publish(n);
        sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(1),
        "the publisher never waited"
    );
    drop(publisher);
    let got = reader.await.expect("no panic");
    let missed: u64 = got
        .iter()
        .map(|d| if let Delivery::Missed(n) = d { *n } else { 0 })
        .sum();
    let received = got
        .iter()
        .filter(|d| matches!(d, Delivery::Message(_)))
        .count() as u64;
    assert!(missed > 0, "{got:?}");
    assert_eq!(
        received + missed,
        10,
        "every message is either received or counted missed"
    );
    assert_eq!(
        got.last(),
        Some(&Delivery::Message(9)),
        "it carried on to the end"
    );
}

#[tokio::test(start_paused = true)]
async fn publishing_with_no_subscribers_is_not_an_error() {
    let (publisher, first) = pub_sub::channel(1).expect("capacity 1");
    drop(first);
    assert_eq!(publisher.publish("nobody listens"), 0);
    let mut late = publisher.subscribe();
    publisher.publish("heard");
    drop(publisher);
    assert_eq!(late.recv().await, Some(Delivery::Message("heard")));
    assert_eq!(late.recv().await, None);
}

#[tokio::test(start_paused = true)]
async fn the_capacity_is_rounded_up_to_a_power_of_two() {
    let (publisher, mut slow) = pub_sub::channel(3).expect("capacity 3");
    for n in 0..6 {
        publisher.publish(n);
    }
    drop(publisher);
    // 3 behaves as 4: the subscriber keeps the last 4 of 6, not the last 3.
    assert_eq!(slow.recv().await, Some(Delivery::Missed(2)));
    for n in 2..6 {
        assert_eq!(slow.recv().await, Some(Delivery::Message(n)));
    }
    assert_eq!(slow.recv().await, None);
}
