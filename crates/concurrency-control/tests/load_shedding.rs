//! Load shedding: beyond capacity, calls are rejected at once, and capacity comes back.

use std::time::Duration;

use basics::ConfigError;
use concurrency_control::{LoadShedder, Overloaded};
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn a_burst_beyond_capacity_is_shed_immediately() {
    let shedder = LoadShedder::new(3).expect("valid");
    let start = Instant::now();
    let handle = || async {
        let outcome = shedder.run(sleep(Duration::from_millis(500))).await;
        (outcome, start.elapsed())
    };
    let results = futures::future::join_all((0..8).map(|_| handle())).await;
    let served = results
        .iter()
        .filter(|(r, at)| r.is_ok() && *at == Duration::from_millis(500));
    assert_eq!(served.count(), 3);
    let shed = results
        .iter()
        .filter(|(r, at)| *r == Err(Overloaded { capacity: 3 }) && at.is_zero());
    assert_eq!(shed.count(), 5, "rejections are immediate");
    assert_eq!(shedder.in_flight(), 0);
    assert!(shedder.run(async {}).await.is_ok(), "capacity comes back");
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_call_frees_its_slot() {
    let shedder = LoadShedder::new(1).expect("valid");
    let cut = tokio::time::timeout(
        Duration::from_millis(10),
        shedder.run(sleep(Duration::from_secs(5))),
    )
    .await;
    assert!(cut.is_err());
    assert_eq!(shedder.in_flight(), 0);
}

#[test]
fn a_capacity_of_zero_or_past_the_maximum_is_a_config_error() {
    assert_eq!(
        LoadShedder::new(0).err(),
        Some(ConfigError::Zero { name: "capacity" })
    );
    assert!(matches!(
        LoadShedder::new(usize::MAX),
        Err(ConfigError::TooLarge {
            name: "capacity",
            ..
        })
    ));
}
