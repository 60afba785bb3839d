//! The Rust side of the cross-language benchmark, `cargo xtask bench --python`.
//!
//! Every workload exists twice here: [`Variant::Tokio`], hand-written tokio, and
//! [`Variant::Ours`], the same job written with this workspace's pattern (`spawn_all`,
//! `BoundedMap`, the bounded queue, `AsyncCounter`, `timeout`, `Event`, `body_chunks`). The
//! Python mirrors live in `bench/python/workloads.py`. Each run reports an [`Outcome`]: a
//! *witness* (the concurrency the run really reached, e.g. 100 000 tasks asleep at once for W1)
//! and a *checksum* of the results that does not depend on the order tasks ran in, so every
//! variant of a workload must print the same checksum, and a variant that quietly ran fewer
//! things at once fails its witness instead of winning.
//!
//! The binary (`src/main.rs`) runs one workload per process and prints one JSON line; the
//! driver (`xtask/src/bench.rs`) measures the process's wall time and builds the table.

pub mod measure;
pub mod net;
pub mod tree;
pub mod workloads;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::watch;

/// Any failure of a run: the benchmark only reports it.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Which Rust version of a workload to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Hand-written tokio: the arrangement a tokio programmer would pick.
    Tokio,
    /// The workspace's pattern.
    Ours,
}

impl Variant {
    /// `tokio` or `ours`.
    pub fn parse(name: &str) -> Option<Variant> {
        match name {
            "tokio" => Some(Variant::Tokio),
            "ours" => Some(Variant::Ours),
            _ => None,
        }
    }

    /// The name [`parse`](Variant::parse) accepts.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Tokio => "tokio",
            Variant::Ours => "ours",
        }
    }
}

/// A workload's sizes, `key=value` pairs of whole numbers (the driver passes the same pairs to
/// the Python mirror).
#[derive(Debug, Clone, Default)]
pub struct Params(BTreeMap<String, u64>);

impl Params {
    /// Parses `key=value` arguments.
    ///
    /// # Errors
    /// When an argument has no `=` or its value is not a whole number.
    pub fn parse<'a>(args: impl IntoIterator<Item = &'a str>) -> Result<Params, Error> {
        let mut map = BTreeMap::new();
        for arg in args {
            let (key, value) = arg
                .split_once('=')
                .ok_or_else(|| format!("expected key=value, got `{arg}`"))?;
            let value = value
                .parse()
                .map_err(|_| format!("`{key}` must be a whole number, got `{value}`"))?;
            map.insert(key.to_owned(), value);
        }
        Ok(Params(map))
    }

    /// Parameters from pairs (for tests).
    pub fn of(pairs: &[(&str, u64)]) -> Params {
        Params(pairs.iter().map(|&(k, v)| (k.to_owned(), v)).collect())
    }

    /// The value of `key`.
    ///
    /// # Errors
    /// When the workload needs `key` and it was not given.
    pub fn get(&self, key: &str) -> Result<u64, Error> {
        self.0
            .get(key)
            .copied()
            .ok_or_else(|| format!("missing parameter `{key}`").into())
    }

    /// The value of `key` as a count.
    ///
    /// # Errors
    /// As [`get`](Params::get), or when it does not fit a `usize`.
    pub fn count(&self, key: &str) -> Result<usize, Error> {
        Ok(usize::try_from(self.get(key)?)?)
    }
}

/// What one run reports besides its times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The concurrency (or count) the run reached; see each workload for its definition.
    pub witness: u64,
    /// The witness the run must reach when it depends on the data (the number of I/O calls of
    /// the memoized trees); `None` when the driver knows it from the parameters.
    pub expected_witness: Option<u64>,
    /// The results folded in an order-independent way (wrapping sums).
    pub checksum: u64,
    /// W8: resident bytes per parked task.
    pub per_task_bytes: Option<u64>,
}

impl Outcome {
    /// A witness and a checksum, nothing else.
    pub fn new(witness: u64, checksum: u64) -> Outcome {
        Outcome {
            witness,
            expected_witness: None,
            checksum,
            per_task_bytes: None,
        }
    }
}

/// Every workload name [`run`] accepts, in table order.
pub const WORKLOADS: &[&str] = &[
    "W1",
    "W2",
    "W3",
    "W4",
    "W5",
    "W5-std",
    "W6",
    "W7",
    "W8",
    "tree-none",
    "tree-io",
    "tree-memo",
    "tree-mixed",
    "tcp",
];

/// Runs one workload on the current runtime.
///
/// # Errors
/// An unknown workload, a missing parameter, or a failure of the run itself (a panicked task, a
/// refused connection).
pub async fn run(workload: &str, variant: Variant, params: &Params) -> Result<Outcome, Error> {
    match workload {
        "W1" => workloads::gather(variant, params).await,
        "W2" => workloads::bounded(variant, params).await,
        "W3" | "W4" => workloads::queue(variant, params).await,
        "W5" => workloads::lock(variant, params, workloads::LockKind::Tokio).await,
        "W5-std" => workloads::lock(variant, params, workloads::LockKind::Std).await,
        "W6" => workloads::timeout(variant, params).await,
        "W7" => Box::pin(net::http_fanout(variant, params)).await,
        "W8" => workloads::parked(variant, params).await,
        "tree-none" => tree::run(variant, params, tree::Kind::None).await,
        "tree-io" => tree::run(variant, params, tree::Kind::Io).await,
        "tree-memo" => tree::run(variant, params, tree::Kind::Memo).await,
        "tree-mixed" => tree::run(variant, params, tree::Kind::Mixed).await,
        "tcp" => Box::pin(net::tcp(variant, params)).await,
        other => Err(format!(
            "unknown workload `{other}` (known: {})",
            WORKLOADS.join(", ")
        )
        .into()),
    }
}

/// The value item `i` stands for: Knuth's multiplicative hash, `i × 2654435761 mod 2³²`. Cheap in
/// both languages, so it does not drown the workload in Python.
pub fn value(i: u64) -> u64 {
    i.wrapping_mul(2_654_435_761) & 0xFFFF_FFFF
}

/// The wrapping sum of [`value`] over `0..n`: the checksum of W1, W2, W6, W7 and W8.
pub fn sum_of_values(n: u64) -> u64 {
    (0..n).fold(0, |sum, i| sum.wrapping_add(value(i)))
}

/// SplitMix64's output function: the deterministic "random" number of leaf `i` in the trees
/// (the same function is in the Python mirror).
pub fn splitmix64(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A counter of things in progress and the most there ever were at once.
///
/// Atomics, so the same code serves a single-task variant and one whose tasks run on several
/// threads; the relaxed orderings suffice because only the counts matter, read after every task
/// has joined.
#[derive(Debug, Default)]
pub struct Peak {
    now: AtomicU64,
    peak: AtomicU64,
}

impl Peak {
    /// One more in progress.
    pub fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
    }

    /// One fewer in progress.
    pub fn leave(&self) {
        self.now.fetch_sub(1, Ordering::Relaxed);
    }

    /// How many are in progress now.
    pub fn now(&self) -> u64 {
        self.now.load(Ordering::Relaxed)
    }

    /// The most that were in progress at once.
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }
}

/// A start line: tasks [`arrive`](Gate::arrive) and wait; [`open_when`](Gate::open_when) lets
/// them all go once the given number is waiting. The witness of the queue and lock workloads is
/// how many waited at once, which proves they all existed together.
#[derive(Debug)]
pub struct Gate {
    open: watch::Sender<bool>,
    waiting: Peak,
}

impl Default for Gate {
    fn default() -> Gate {
        Gate {
            open: watch::Sender::new(false),
            waiting: Peak::default(),
        }
    }
}

impl Gate {
    /// Counts this task as waiting, then waits for the gate to open.
    pub async fn arrive(&self) {
        // Subscribe before counting: `wait_for` checks the current value first, so a gate
        // opened between the count and the wait is still seen.
        let mut open = self.open.subscribe();
        self.waiting.enter();
        // The sender lives in `self`, which outlives this call: the channel cannot close.
        let _ = open.wait_for(|open| *open).await;
        self.waiting.leave();
    }

    /// Yields until `count` tasks are waiting, then opens the gate.
    pub async fn open_when(&self, count: u64) {
        while self.waiting.now() < count {
            tokio::task::yield_now().await;
        }
        self.open.send_replace(true);
    }

    /// The most tasks that waited at once.
    pub fn peak(&self) -> u64 {
        self.waiting.peak()
    }
}
