//! Timing, memory and ratio reports for `cargo xtask bench`.
//!
//! Benchmarks are `harness = false` bench targets in each crate (`crates/<crate>/benches/`). Each
//! workload runs the library's version beside hand-written tokio (and well-known crates) in one
//! process, one after the other, and prints ratios against the first entry, the baseline:
//!
//! ```text
//! W1 gather: 100000 tasks, each sleeping 10ms
//!   hand-written JoinSet          121.3 ms    1.00x  (baseline)
//!   basics::gather::gather        123.9 ms    1.02x
//! ```
//!
//! Speed and memory goals live in these reports, never in timed tests.

use std::time::{Duration, Instant};

/// Runs `f` `runs` times and returns the fastest run (the least disturbed by the machine).
///
/// # Panics
/// When `runs` is 0.
pub fn best_of<R>(runs: usize, mut f: impl FnMut() -> R) -> Duration {
    assert!(runs > 0, "best_of needs at least one run");
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// The resident set size of this process in bytes, read from `/proc/self/statm` (Linux); `None`
/// elsewhere.
pub fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let resident_pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // Every Linux target this workspace runs on uses 4 KiB pages.
    Some(resident_pages * 4096)
}

/// A measured value: a time, or a number of bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A duration (lower is better).
    Time(Duration),
    /// A size in bytes (lower is better).
    Bytes(f64),
}

impl Value {
    fn amount(self) -> f64 {
        match self {
            Value::Time(duration) => duration.as_secs_f64(),
            Value::Bytes(bytes) => bytes,
        }
    }

    fn show(self) -> String {
        match self {
            Value::Time(duration) => format!("{:.1} ms", duration.as_secs_f64() * 1e3),
            Value::Bytes(bytes) => format!("{bytes:.0} B"),
        }
    }
}

/// One workload's results: the first entry is the baseline the others are divided by.
#[derive(Debug, Clone)]
pub struct Report {
    title: String,
    entries: Vec<(String, Value)>,
}

impl Report {
    /// A report headed `title`.
    pub fn new(title: impl Into<String>) -> Report {
        Report {
            title: title.into(),
            entries: Vec::new(),
        }
    }

    /// Adds one measured entry; the first one added is the baseline.
    pub fn add(&mut self, name: impl Into<String>, value: Value) -> &mut Report {
        self.entries.push((name.into(), value));
        self
    }

    /// The ratio of entry `index` to the baseline, if both exist and the baseline is non-zero.
    pub fn ratio(&self, index: usize) -> Option<f64> {
        let base = self.entries.first()?.1.amount();
        let value = self.entries.get(index)?.1.amount();
        (base > 0.0).then(|| value / base)
    }

    /// The report as lines.
    pub fn rows(&self) -> Vec<String> {
        let width = self
            .entries
            .iter()
            .map(|(name, _)| name.len())
            .max()
            .unwrap_or(0);
        let mut rows = vec![self.title.clone()];
        for (index, (name, value)) in self.entries.iter().enumerate() {
            let ratio = self
                .ratio(index)
                .map_or_else(|| "-".to_owned(), |ratio| format!("{ratio:.2}x"));
            let note = if index == 0 { "  (baseline)" } else { "" };
            rows.push(format!(
                "  {name:<width$}  {:>12}  {ratio:>7}{note}",
                value.show()
            ));
        }
        rows
    }

    /// Prints the report to stdout.
    pub fn print(&self) {
        for row in self.rows() {
            println!("{row}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_divide_by_the_first_entry() {
        let mut report = Report::new("W0");
        report
            .add("base", Value::Time(Duration::from_millis(200)))
            .add("ours", Value::Time(Duration::from_millis(220)));
        let ratio = report.ratio(1).expect("two entries");
        assert!((ratio - 1.1).abs() < 1e-9);
        let rows = report.rows();
        assert!(rows[1].ends_with("1.00x  (baseline)"), "{rows:?}");
        assert!(rows[2].ends_with("1.10x"), "{rows:?}");
    }

    #[test]
    fn a_zero_baseline_gives_no_ratio() {
        let mut report = Report::new("W0");
        report
            .add("base", Value::Bytes(0.0))
            .add("ours", Value::Bytes(10.0));
        assert_eq!(report.ratio(1), None);
    }

    #[test]
    fn resident_memory_is_readable_here() {
        // The workspace targets Linux; this fails loudly if /proc parsing ever breaks.
        assert!(rss_bytes().is_some_and(|bytes| bytes > 0));
    }
}
