//! Every workload at a tiny size, both variants: the witness reaches its figure and the checksum
//! equals one computed here another way. On tokio's paused clock, so the sleeps cost nothing.

use std::collections::HashSet;

use cross_bench::tree::{P, factorial_mod_p};
use cross_bench::{Outcome, Params, Variant, run, splitmix64, sum_of_values, value};

const BOTH: [Variant; 2] = [Variant::Tokio, Variant::Ours];

async fn both(workload: &str, params: &[(&str, u64)]) -> [Outcome; 2] {
    let params = Params::of(params);
    let mut outcomes = Vec::new();
    for variant in BOTH {
        let outcome = run(workload, variant, &params)
            .await
            .unwrap_or_else(|error| panic!("{workload} {}: {error}", variant.name()));
        outcomes.push(outcome);
    }
    [outcomes[0].clone(), outcomes[1].clone()]
}

fn check(outcomes: &[Outcome; 2], witness: u64, checksum: u64) {
    for (variant, outcome) in BOTH.iter().zip(outcomes) {
        assert_eq!(outcome.witness, witness, "{} witness", variant.name());
        assert_eq!(outcome.checksum, checksum, "{} checksum", variant.name());
    }
}

#[tokio::test(start_paused = true)]
async fn w1_has_every_task_asleep_at_once() {
    check(
        &both("W1", &[("n", 500), ("ms", 10)]).await,
        500,
        sum_of_values(500),
    );
}

#[tokio::test(start_paused = true)]
async fn w2_reaches_its_limit_and_no_more() {
    let outcomes = both("W2", &[("n", 300), ("limit", 7), ("ms", 1)]).await;
    check(&outcomes, 7, sum_of_values(300));
}

#[tokio::test(start_paused = true)]
async fn w3_and_w4_deliver_every_item_once() {
    let one = [
        ("n", 5_000),
        ("producers", 1),
        ("consumers", 1),
        ("capacity", 16),
    ];
    check(&both("W3", &one).await, 2, 4_999 * 5_000 / 2);
    // 5 001 items over 4 producers: the last range takes the remainder.
    let four = [
        ("n", 5_001),
        ("producers", 4),
        ("consumers", 4),
        ("capacity", 16),
    ];
    check(&both("W4", &four).await, 8, 5_000 * 5_001 / 2);
}

#[tokio::test(start_paused = true)]
async fn w5_counts_every_increment() {
    let params = [("tasks", 20), ("increments", 300)];
    check(&both("W5", &params).await, 20, 6_000);
    check(&both("W5-std", &params).await, 20, 6_000);
}

#[tokio::test(start_paused = true)]
async fn w6_lets_every_ready_operation_through() {
    check(
        &both("W6", &[("n", 1_000)]).await,
        1_000,
        sum_of_values(1_000),
    );
}

#[tokio::test(start_paused = true)]
async fn w7_reaches_its_concurrency_against_the_server() {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("loopback binds");
    let port = u64::from(listener.local_addr().expect("bound").port());
    tokio::spawn(cross_bench::net::serve(listener));
    let params = [("n", 200), ("concurrency", 10), ("port", port)];
    check(&both("W7", &params).await, 10, sum_of_values(200));
}

#[tokio::test(start_paused = true)]
async fn w8_parks_every_task_at_once() {
    let outcomes = both("W8", &[("n", 2_000)]).await;
    check(&outcomes, 2_000, sum_of_values(2_000));
    assert!(outcomes.iter().all(|o| o.per_task_bytes.is_some()));
}

/// The tree's checksum and number of sleeps, computed leaf by leaf in order.
fn tree_model(kind: &str, leaves: u64) -> (u64, u64) {
    let (mut sum, mut sleeps) = (0u64, 0u64);
    let mut cache = HashSet::new();
    let mut memo = |data: u64, sum: &mut u64, sleeps: &mut u64| {
        if data > 90 || cache.insert(data) {
            *sleeps += 1;
        }
        *sum = sum.wrapping_add(data);
    };
    for i in 0..leaves {
        match kind {
            "none" => sum = sum.wrapping_add(value(i)),
            "io" => {
                sleeps += 1;
                sum = sum.wrapping_add(value(i));
            }
            "memo" => memo(1 + splitmix64(i) % 100, &mut sum, &mut sleeps),
            _ => {
                let r = splitmix64(i);
                if (r >> 32) & 1 == 0 {
                    sum = sum.wrapping_add(factorial_mod_p(500));
                } else {
                    memo(1 + r % 100, &mut sum, &mut sleeps);
                }
            }
        }
    }
    (sum.wrapping_add(sleeps.wrapping_mul(1_000_003)), sleeps)
}

#[tokio::test(start_paused = true)]
async fn the_trees_visit_every_leaf_and_overlap_every_sleep() {
    let params = [("levels", 3), ("branches", 6), ("ms", 50)];
    let leaves = 216;
    for kind in ["none", "io", "memo", "mixed"] {
        let outcomes = both(&format!("tree-{kind}"), &params).await;
        let (checksum, sleeps) = tree_model(kind, leaves);
        let witness = if kind == "none" { leaves } else { sleeps };
        check(&outcomes, witness, checksum);
        if kind == "io" {
            assert_eq!(sleeps, leaves);
        }
        if kind == "memo" || kind == "mixed" {
            assert!(outcomes.iter().all(|o| o.expected_witness == Some(sleeps)));
        }
    }
}

#[test]
fn factorial_is_the_big_integer_reduced() {
    // 20! fits in a u64; 25! does not, so it crosses a limb.
    assert_eq!(factorial_mod_p(20), 2_432_902_008_176_640_000 % P);
    let f25: u128 = (1..=25u128).product();
    assert_eq!(u128::from(factorial_mod_p(25)), f25 % u128::from(P));
}

#[tokio::test(start_paused = true)]
async fn tcp_delivers_every_byte() {
    let outcomes = both("tcp", &[("chunks", 5), ("chunk_kib", 64)]).await;
    check(&outcomes, 5, 5 * 64 * 1024);
}

#[tokio::test(start_paused = true)]
async fn an_unknown_workload_or_missing_parameter_is_an_error() {
    assert!(run("W9", Variant::Tokio, &Params::default()).await.is_err());
    assert!(
        run("W1", Variant::Ours, &Params::of(&[("n", 3)]))
            .await
            .is_err()
    );
    assert!(Params::parse(["n=x"]).is_err());
}
