//! `cargo xtask examples --real-time [NAME...]`: run each example on the real clock, as a person
//! running `cargo run --example NAME` does, and check that it prints what its page shows.
//!
//! The golden transcript was made on tokio's paused clock. On the real clock an example must print
//! the same lines, and each stamp must be within [`TOLERANCE`] of the golden one:
//! - lines stamped with the same instant in the golden file may come in any order among
//!   themselves (on the real clock, "at the same time" is a race);
//! - a timeline (the block after a `timeline (...)` line) must have the same rows, each with the
//!   same shape (`  ###!` and `   ###!` are the same shape: the runs of cells, not their widths);
//! - an example whose golden transcript's first line mentions `real threads` prints lines whose
//!   stamps depend on the operating system's scheduling: only its lines are compared;
//! - an example whose real-time run differs from its paused-clock run by design (a lesson about
//!   the paused clock itself) keeps a second transcript beside the golden one, `NAME.real.txt`,
//!   a run on the real clock that its page shows too; the real-time run is compared with that
//!   one instead, by the same rules.
//!
//! It must not be flaky on a busy two-core machine: the examples run one at a time (nothing else
//! of ours competes for the cores), every example's stamps are compared against a tolerance of
//! 50 ms (a loaded machine delays a wake-up by a few milliseconds, not tens), and an example that
//! misses is run once more before it counts as failed (a burst of load from another process
//! rarely hits the same example twice). The retries are counted in the last line.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::examples::{self, binary};
use crate::workspace::{self, Example, Result, Tally};

/// How far a real-time stamp may be from its golden stamp.
pub(crate) const TOLERANCE: Duration = Duration::from_millis(50);

/// How long one example may run on the real clock before it is killed.
pub(crate) const REAL_TIME_LIMIT: Duration = Duration::from_secs(30);

/// Builds the chosen examples, then runs each on the real clock against its golden transcript.
///
/// # Errors
/// When cargo or an example cannot be started.
pub(crate) fn run(root: &Path, chosen: &[&Example]) -> Result<bool> {
    let mut tally = Tally::default();
    println!("==> examples: build");
    let built = examples::build(root, &examples::packages(chosen))?;
    tally.record(built);
    if !built {
        println!("FAILED");
        println!("{}", tally.summary());
        return Ok(false);
    }
    println!(
        "==> examples: run ({} on the real clock, one at a time, stamps within {} ms, one retry)",
        chosen.len(),
        TOLERANCE.as_millis()
    );
    check(root, chosen, &mut tally, &mut |line| println!("{line}"))?;
    println!("{}", tally.summary());
    Ok(tally.ok())
}

/// Runs each chosen example, already built, on the real clock against its golden transcript, one
/// at a time, and records one check per example in `tally`. Writes a line per example to `out`
/// (`ok` with its real time, or every difference of its second run) and a last line with the
/// real time of the whole run and the number of retries; check-all keeps these lines for a
/// failure, `cargo xtask examples --real-time` prints them as they come.
///
/// # Errors
/// When an example cannot be started.
pub(crate) fn check(
    root: &Path,
    chosen: &[&Example],
    tally: &mut Tally,
    out: &mut dyn FnMut(&str),
) -> Result<()> {
    let target_dir = workspace::target_dir(root);
    let start = Instant::now();
    let mut retries = 0;
    for example in chosen {
        let label = format!("{}/{}", example.krate.dir, example.name);
        let real = real_transcript(&example.golden);
        let Ok(golden) =
            std::fs::read_to_string(&real).or_else(|_| std::fs::read_to_string(&example.golden))
        else {
            out(&format!("  {label} FAILED: no golden transcript"));
            tally.record(false);
            continue;
        };
        let program = binary(&target_dir, &example.name);
        let attempt = || -> Result<(Duration, Result<(), String>)> {
            let run = examples::run_on_clock(root, &program, REAL_TIME_LIMIT, false)?;
            let verdict = match run.failure() {
                Some(failure) => Err(failure),
                None => compare(&golden, &String::from_utf8_lossy(&run.stdout)),
            };
            Ok((run.elapsed, verdict))
        };
        let (mut elapsed, mut verdict) = attempt()?;
        let mut note = "";
        if verdict.is_err() {
            retries += 1;
            (elapsed, verdict) = attempt()?;
            note = ", on the second run";
        }
        match &verdict {
            Ok(()) => out(&format!(
                "  {label} ok ({}{note})",
                workspace::secs2(elapsed)
            )),
            Err(reason) => out(&format!(
                "  {label} FAILED twice; the second run:\n{}",
                workspace::indent(reason, "    ")
            )),
        }
        tally.record(verdict.is_ok());
    }
    out(&format!(
        "  {} examples in {} real time, {retries} retried",
        chosen.len(),
        workspace::secs(start.elapsed())
    ));
    Ok(())
}

/// `NAME.real.txt` beside the golden `NAME.txt`: the real-clock transcript of an example whose
/// run on the real clock differs from the paused one by design.
pub(crate) fn real_transcript(golden: &Path) -> std::path::PathBuf {
    golden.with_extension("real.txt")
}

/// One line of a transcript: its stamp in milliseconds (if stamped) and the rest.
fn split(line: &str) -> (Option<u64>, &str) {
    let stamp = line
        .strip_prefix("[+")
        .and_then(|rest| rest.split_once("s] "))
        .and_then(|(secs, rest)| {
            let (whole, frac) = secs.split_once('.')?;
            let millis = whole.parse::<u64>().ok()? * 1000 + frac.parse::<u64>().ok()?;
            (frac.len() == 3).then_some((millis, rest))
        });
    match stamp {
        Some((millis, rest)) => (Some(millis), rest),
        None => (None, line),
    }
}

/// A timeline row's shape: its label and its cells with runs collapsed (`|  ###!|` is `| #!|`).
fn shape(row: &str) -> String {
    let mut out = String::new();
    for c in row.chars() {
        if !out.ends_with(c) || c == '|' {
            out.push(c);
        }
    }
    out
}

/// Compares a real-time run with the golden transcript: `Ok(())` or every difference found.
pub(crate) fn compare(golden: &str, actual: &str) -> Result<(), String> {
    let want: Vec<&str> = golden.lines().collect();
    let got: Vec<&str> = actual.lines().collect();
    let lines_only = want
        .first()
        .is_some_and(|line| line.contains("real threads"));
    let mut problems = Vec::new();
    if want.len() != got.len() {
        problems.push(format!("{} lines instead of {}", got.len(), want.len()));
    }
    let mut index = 0;
    let mut in_timeline = false;
    while index < want.len().min(got.len()) {
        let (stamp, _) = split(want[index]);
        if want[index].starts_with("timeline (") {
            in_timeline = true;
        } else if stamp.is_some() {
            in_timeline = false;
        }
        if in_timeline {
            let same = if want[index].starts_with("timeline (") {
                got[index].starts_with("timeline (")
            } else {
                shape(want[index]) == shape(got[index])
            };
            if !same {
                problems.push(format!(
                    "line {}: timeline row `{}` drawn as `{}`",
                    index + 1,
                    want[index],
                    got[index]
                ));
            }
            index += 1;
            continue;
        }
        let Some(stamp) = stamp else {
            if want[index] != got[index] {
                problems.push(format!(
                    "line {}: `{}` printed as `{}`",
                    index + 1,
                    want[index],
                    got[index]
                ));
            }
            index += 1;
            continue;
        };
        // The group of lines stamped with this same instant.
        let end = (index..want.len().min(got.len()))
            .find(|&i| split(want[i]).0 != Some(stamp))
            .unwrap_or(want.len().min(got.len()));
        let mut wanted: Vec<&str> = want[index..end].iter().map(|l| split(l).1).collect();
        for (offset, line) in got[index..end].iter().enumerate() {
            let (real, text) = split(line);
            match wanted.iter().position(|w| *w == text) {
                Some(found) => {
                    wanted.remove(found);
                }
                None => {
                    problems.push(format!(
                        "line {}: `{line}` is not among the lines stamped +{:.3}s: {:?}",
                        index + offset + 1,
                        stamp as f64 / 1000.0,
                        &want[index..end]
                    ));
                    continue;
                }
            }
            if lines_only {
                continue;
            }
            match real {
                Some(real) if real.abs_diff(stamp) <= TOLERANCE.as_millis() as u64 => {}
                Some(real) => problems.push(format!(
                    "line {}: `{text}` at +{:.3}s, golden +{:.3}s ({} ms off)",
                    index + offset + 1,
                    real as f64 / 1000.0,
                    stamp as f64 / 1000.0,
                    real.abs_diff(stamp)
                )),
                None => problems.push(format!(
                    "line {}: `{line}` has no stamp",
                    index + offset + 1
                )),
            }
        }
        index = end;
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLDEN: &str = "[+0.000s] start\n[+0.500s] a done\n[+0.500s] b done\n[+1.000s] end\n\
                          timeline (1 column = 10ms, # running, x failed, ! cancelled)\n\
                          a  |#####     |\nb  |     ####!|\n";

    #[test]
    fn stamps_within_the_tolerance_and_simultaneous_lines_in_any_order_pass() {
        let real = "[+0.001s] start\n[+0.531s] b done\n[+0.529s] a done\n[+1.049s] end\n\
                    timeline (1 column = 20ms, # running, x failed, ! cancelled)\n\
                    a  |######    |\nb  |      ###!|\n";
        assert_eq!(compare(GOLDEN, real), Ok(()));
    }

    #[test]
    fn a_late_stamp_a_changed_line_and_a_missing_line_fail() {
        let real = "[+0.000s] start\n[+0.500s] a done\n[+0.500s] c done\n[+1.051s] end\n\
                    timeline (1 column = 10ms, # running, x failed, ! cancelled)\n\
                    a  |#####     |\n";
        let problems = compare(GOLDEN, real).unwrap_err();
        assert!(problems.contains("6 lines instead of 7"), "{problems}");
        assert!(
            problems.contains("`[+0.500s] c done` is not among"),
            "{problems}"
        );
        assert!(
            problems.contains("`end` at +1.051s, golden +1.000s (51 ms off)"),
            "{problems}"
        );
    }

    #[test]
    fn a_timeline_of_another_shape_fails() {
        let real = GOLDEN.replace("b  |     ####!|", "b  |     #####|");
        let problems = compare(GOLDEN, &real).unwrap_err();
        assert!(
            problems.contains("timeline row `b  |     ####!|`"),
            "{problems}"
        );
    }

    #[test]
    fn a_transcript_that_says_real_threads_is_compared_by_lines_only() {
        let golden = "[+0.000s] 3 real threads: stamps vary\n[+0.100s] done\n";
        assert_eq!(
            compare(
                golden,
                "[+0.000s] 3 real threads: stamps vary\n[+0.400s] done\n"
            ),
            Ok(())
        );
        assert!(
            compare(
                golden,
                "[+0.000s] 3 real threads: stamps vary\n[+0.400s] gone\n"
            )
            .is_err()
        );
    }

    #[test]
    fn the_real_clock_transcript_sits_beside_the_golden_one() {
        assert_eq!(
            real_transcript(Path::new("crates/testing/examples/timeouts_in_tests.txt")),
            Path::new("crates/testing/examples/timeouts_in_tests.real.txt")
        );
    }

    #[test]
    fn stamps_are_read_in_milliseconds() {
        assert_eq!(split("[+12.345s] x y"), (Some(12_345), "x y"));
        assert_eq!(split("timeline (1 column)"), (None, "timeline (1 column)"));
        assert_eq!(split("[+1.5s] short"), (None, "[+1.5s] short"));
    }
}
