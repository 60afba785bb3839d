//! Network simulation: retries across a partition and a restart, deterministic from a seed.

#[path = "common/partition.rs"]
mod partition;

use partition::partition_and_restart;

// ANCHOR: twice
#[test]
fn the_same_seed_gives_the_same_events() -> turmoil::Result {
    let first = partition_and_restart(7)?;
    let second = partition_and_restart(7)?;
    assert_eq!(first, second);
    Ok(())
}
// ANCHOR_END: twice

// ANCHOR: outcome
#[test]
fn the_client_rides_out_the_partition_and_the_restart() -> turmoil::Result {
    let log = partition_and_restart(7)?;
    let replies: Vec<&String> = log
        .iter()
        .filter(|line| line.contains(": ok get"))
        .collect();
    assert_eq!(replies.len(), 4, "{log:#?}"); // every request answered in the end
    // turmoil refuses a connection across a partition (and to a crashed host) at once.
    let refused = log
        .iter()
        .filter(|line| line.ends_with("connection refused"));
    assert!(refused.count() >= 4, "{log:#?}");
    let starts = log
        .iter()
        .filter(|line| line.ends_with("server: listening"));
    assert_eq!(starts.count(), 2, "{log:#?}"); // the restart
    Ok(())
}
// ANCHOR_END: outcome

#[test]
fn another_seed_draws_other_latencies() -> turmoil::Result {
    // The seed decides message latencies, so the stamps move; the outcome does not.
    let other = partition_and_restart(8)?;
    assert_ne!(other, partition_and_restart(7)?);
    assert_eq!(
        other
            .iter()
            .filter(|line| line.contains(": ok get"))
            .count(),
        4
    );
    Ok(())
}
