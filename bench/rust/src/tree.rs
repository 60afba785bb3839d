//! pyperformance's `async_tree`, ported: a gather over a tree of `levels` levels and `branches`
//! branches (6 × 6: 46 656 leaves), in its four variants.
//!
//! The leaves, as in pyperformance (`IO_SLEEP_TIME` 50 ms, 90 % memoizable, half of the mixed
//! leaves CPU-bound), except that each leaf's "random" number is [`splitmix64`] of its index
//! rather than the next draw of a shared generator, so the result does not depend on the order
//! the leaves run in:
//! - `none`: no work;
//! - `io`: sleep `ms`;
//! - `memo`: `data = 1 + r mod 100`; when `data ≤ 90` and it was seen before, return at once
//!   (the cache is checked and filled before the sleep, so the number of sleeps is fixed by
//!   the data); otherwise sleep `ms`;
//! - `mixed`: when bit 32 of `r` is 0, compute `500!` as a big integer (CPU work); otherwise as
//!   `memo`.
//!
//! Every leaf adds its result to one wrapping sum: [`value`] of its index (`none`, `io`),
//! `data` (`memo`, the I/O half of `mixed`) or `500! mod (2⁶¹ − 1)` (the CPU half of `mixed`).
//! The checksum is that sum plus 1 000 003 × the number of sleeps.
//!
//! Witness: `none` counts the leaves run (must be `branches^levels`); the others count the most
//! leaves asleep at once, which must equal the number of sleeps (all of them overlap: `io`
//! reaches `branches^levels`).
//!
//! Tokio: nested `futures::future::join_all` on one task, no spawn (the cheapest arrangement).
//! Ours: nested `basics::spawn_all`, a task per node, as asyncio's `gather` makes a task of
//! every coroutine it is given.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;

use crate::{Error, Outcome, Params, Peak, Variant, splitmix64, value};

/// The four leaf kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No work.
    None,
    /// A sleep.
    Io,
    /// A sleep unless memoized.
    Memo,
    /// Half CPU work, half `Memo`.
    Mixed,
}

/// The prime the CPU leaves reduce `500!` by.
pub const P: u64 = (1 << 61) - 1;

/// `n!` computed as a big integer (64-bit limbs, schoolbook), then reduced modulo [`P`].
pub fn factorial_mod_p(n: u64) -> u64 {
    let mut limbs: Vec<u64> = vec![1];
    for k in 2..=n {
        let mut carry = 0u128;
        for limb in &mut limbs {
            let product = u128::from(*limb) * u128::from(k) + carry;
            *limb = product as u64; // the low 64 bits; the high ones carry
            carry = product >> 64;
        }
        if carry > 0 {
            limbs.push(carry as u64);
        }
    }
    limbs.iter().rev().fold(0, |rest, &limb| {
        (((u128::from(rest) << 64) | u128::from(limb)) % u128::from(P)) as u64
    })
}

/// The tree's shared state: the parameters, the counters and the memo cache.
#[derive(Debug)]
struct Tree {
    kind: Kind,
    branches: u64,
    pause: Duration,
    sum: AtomicU64,
    leaves: AtomicU64,
    sleeps: AtomicU64,
    asleep: Peak,
    // A std lock: it is held only to check-and-insert, never across an `.await`.
    cache: Mutex<HashSet<u64>>,
}

impl Tree {
    fn add(&self, v: u64) {
        self.sum.fetch_add(v, Ordering::Relaxed); // wraps on overflow, like the Python mask
    }

    async fn io(&self) {
        self.sleeps.fetch_add(1, Ordering::Relaxed);
        self.asleep.enter();
        tokio::time::sleep(self.pause).await;
        self.asleep.leave();
    }

    async fn memo(&self, data: u64) {
        let seen = data <= 90 && !self.cache.lock().expect("never poisoned").insert(data);
        if !seen {
            self.io().await;
        }
        self.add(data);
    }

    async fn leaf(&self, index: u64) {
        self.leaves.fetch_add(1, Ordering::Relaxed);
        match self.kind {
            Kind::None => self.add(value(index)),
            Kind::Io => {
                self.io().await;
                self.add(value(index));
            }
            Kind::Memo => self.memo(1 + splitmix64(index) % 100).await,
            Kind::Mixed => {
                let r = splitmix64(index);
                if (r >> 32) & 1 == 0 {
                    self.add(factorial_mod_p(std::hint::black_box(500)));
                } else {
                    self.memo(1 + r % 100).await;
                }
            }
        }
    }
}

/// Hand-written: one future per node, children joined with `join_all`, all on the caller's task.
fn joined(tree: &Tree, level: u64, index: u64) -> BoxFuture<'_, ()> {
    Box::pin(async move {
        if level == 0 {
            tree.leaf(index).await;
        } else {
            let children =
                (0..tree.branches).map(|b| joined(tree, level - 1, index * tree.branches + b));
            futures::future::join_all(children).await;
        }
    })
}

/// Ours: every node a task, children spawned with `basics::spawn_all`.
fn spawned(tree: Arc<Tree>, level: u64, index: u64) -> BoxFuture<'static, Result<(), Error>> {
    Box::pin(async move {
        if level == 0 {
            tree.leaf(index).await;
        } else {
            let children = (0..tree.branches)
                .map(|b| spawned(Arc::clone(&tree), level - 1, index * tree.branches + b));
            for child in basics::spawn_all(children).await? {
                child?;
            }
        }
        Ok(())
    })
}

/// Runs one tree variant.
///
/// # Errors
/// A missing parameter or a panicked task.
pub async fn run(variant: Variant, params: &Params, kind: Kind) -> Result<Outcome, Error> {
    let levels = params.get("levels")?;
    let tree = Arc::new(Tree {
        kind,
        branches: params.get("branches")?,
        pause: Duration::from_millis(params.get("ms")?),
        sum: AtomicU64::new(0),
        leaves: AtomicU64::new(0),
        sleeps: AtomicU64::new(0),
        asleep: Peak::default(),
        cache: Mutex::new(HashSet::new()),
    });
    match variant {
        Variant::Tokio => joined(&tree, levels, 0).await,
        Variant::Ours => spawned(Arc::clone(&tree), levels, 0).await?,
    }
    let sleeps = tree.sleeps.load(Ordering::Relaxed);
    let checksum = tree
        .sum
        .load(Ordering::Relaxed)
        .wrapping_add(sleeps.wrapping_mul(1_000_003));
    let mut outcome = if kind == Kind::None {
        Outcome::new(tree.leaves.load(Ordering::Relaxed), checksum)
    } else {
        Outcome::new(tree.asleep.peak(), checksum)
    };
    if matches!(kind, Kind::Memo | Kind::Mixed) {
        outcome.expected_witness = Some(sleeps);
    }
    Ok(outcome)
}
