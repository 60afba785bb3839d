//! `cargo xtask check-all`: the one gate, run by CI (`.ci/run`) and named in the README.
//!
//! Runs fmt, clippy, tests, rustdoc, the docs and generated-file checks, lint-async (no blocking
//! call in async code but the pitfalls' marked wrong versions), the book's links and anchors, the
//! rendered book (where mdbook is installed; a line says when it is skipped), every example against its golden
//! transcript, every example again on the real clock (`cargo xtask examples --real-time`, one
//! step), and catalogue coverage, in that order. A failing step does not stop the
//! run: the point is to see everything that is wrong at once. Every step, every example and every
//! claimed pattern is one check; the last line printed is `N passed, M failed`.
//!
//! A green run is short: one line per step, one per crate of examples, a few for coverage. The
//! output of cargo (and of every check) is captured and printed only under the step that failed.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use crate::workspace::{self, Crate, Example, Result, Tally, UsageError};
use crate::{book, coverage, docs, examples, lint_async, readme, real_time};

/// The subcommand.
///
/// # Errors
/// On bad arguments; everything else is a counted failure.
pub(crate) fn run(args: &[String]) -> Result<bool> {
    if !args.is_empty() {
        return Err(UsageError(format!("check-all takes no arguments, got {args:?}")).into());
    }
    let root = workspace::root();
    let mut tally = Tally::default();

    step(&mut tally, "fmt", || {
        cargo(&root, &["fmt", "--all", "--", "--check"], None)
    });
    step(&mut tally, "clippy", || {
        cargo(
            &root,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
            None,
        )
    });
    step(&mut tally, "tests", || {
        cargo(&root, &["test", "--workspace"], None)
    });
    step(&mut tally, "rustdoc", || {
        // Keep whatever the caller already asked of rustdoc, and deny warnings on top.
        let flags = match std::env::var("RUSTDOCFLAGS") {
            Ok(existing) if !existing.trim().is_empty() => format!("{existing} -D warnings"),
            _ => "-D warnings".to_owned(),
        };
        cargo(
            &root,
            &["doc", "--workspace", "--no-deps"],
            Some(("RUSTDOCFLAGS", &flags)),
        )
    });
    step(&mut tally, "docs sync (cargo xtask docs --check)", || {
        Ok(problems(&docs::check_tree(&root)?))
    });
    step(
        &mut tally,
        "generated files (cargo xtask readme --check)",
        || Ok(problems(&readme::check_tree(&root)?)),
    );
    step(
        &mut tally,
        "blocking calls in async code (cargo xtask lint-async)",
        || {
            let report = lint_async::scan(&root, std::slice::from_ref(&root))?;
            Ok(problems(&report.problems()))
        },
    );
    step(&mut tally, "book links (cargo xtask book --check)", || {
        let report = book::check_tree(&root)?;
        let mut output = report.problems.join("\n");
        output.push_str(&format!("\n{}", report.summary()));
        Ok((report.problems.is_empty(), output))
    });
    // The rendered book: only where mdbook is installed (a fresh machine may not have it, and
    // installing it takes minutes); the line says which.
    if book::mdbook_installed() {
        step(&mut tally, "book render (mdbook build)", || {
            book::render(&root)
        });
    } else {
        println!(
            "==> book render: skipped, mdbook is not installed (`cargo xtask book` installs it)"
        );
    }
    let built = run_examples(&root, &mut tally);
    step(
        &mut tally,
        "examples on the real clock (cargo xtask examples --real-time)",
        || {
            if !built {
                return Ok((false, "skipped: the examples did not all build".to_owned()));
            }
            let found = workspace::examples(&root)?;
            let chosen: Vec<&Example> = found.iter().collect();
            let mut checks = Tally::default();
            let mut output = String::new();
            real_time::check(&root, &chosen, &mut checks, &mut |line| {
                output.push_str(line);
                output.push('\n');
            })?;
            Ok((checks.ok(), output))
        },
    );
    println!("==> coverage (cargo xtask coverage shows the whole grid)");
    if let Err(error) = coverage::check(&root, &mut tally, false) {
        println!("error: {error}");
        tally.record(false);
    }

    println!("{}", tally.summary());
    Ok(tally.ok())
}

/// Runs one counted step and prints one line, `==> name ... ok (1.2s)`; a step that fails is
/// followed by what it printed.
fn step(tally: &mut Tally, name: &str, body: impl FnOnce() -> Result<(bool, String)>) {
    print!("==> {name} ... ");
    // Show which step is running while it runs; a failed flush only delays the line.
    let _ = io::stdout().flush();
    let start = Instant::now();
    let (ok, output) = body().unwrap_or_else(|error| (false, format!("error: {error}")));
    let verdict = if ok { "ok" } else { "FAILED" };
    println!("{verdict} ({})", workspace::secs(start.elapsed()));
    if !ok && !output.trim().is_empty() {
        println!("{}", output.trim_end());
    }
    tally.record(ok);
}

/// A check's problems as a step outcome.
fn problems(problems: &[String]) -> (bool, String) {
    (problems.is_empty(), problems.join("\n"))
}

/// A cargo command, its output captured for [`step`].
fn cargo(root: &Path, args: &[&str], env: Option<(&str, &str)>) -> Result<(bool, String)> {
    let mut command = workspace::cargo(root);
    command.args(args);
    if let Some((key, value)) = env {
        command.env(key, value);
    }
    workspace::run_captured(command)
}

/// Builds every example (one check), then runs each against its golden transcript (one check
/// each), printing failures and the real time each crate's examples took together. Returns
/// whether every crate's examples built.
fn run_examples(root: &Path, tally: &mut Tally) -> bool {
    let found = match workspace::examples(root) {
        Ok(found) => found,
        Err(error) => {
            println!("==> examples\nerror: {error}\nFAILED");
            tally.record(false);
            return false;
        }
    };
    let crates: Vec<&Crate> = {
        let mut seen = BTreeSet::new();
        found
            .iter()
            .map(|e| &e.krate)
            .filter(|k| seen.insert(k.dir.clone()))
            .collect()
    };

    // Build the whole workspace as CI does. When that fails (one broken crate), build crate by
    // crate, so the examples of every crate that does compile are still checked.
    let mut built: BTreeSet<String> = BTreeSet::new();
    step(tally, "examples: build", || {
        let mut command = workspace::cargo(root);
        command.args(["build", "--workspace", "--examples"]);
        let (ok, output) = workspace::run_captured(command)?;
        if ok {
            built.extend(crates.iter().map(|k| k.dir.clone()));
            return Ok((true, String::new()));
        }
        let mut report = format!(
            "{output}\nworkspace build failed; building crate by crate to check what compiles"
        );
        for krate in &crates {
            let (ok, output) =
                workspace::run_captured(examples::build_command(root, &[&krate.package]))?;
            if ok {
                built.insert(krate.dir.clone());
            } else {
                report.push_str(&format!("\n{}: examples do not build\n{output}", krate.dir));
            }
        }
        Ok((false, report))
    });

    let chosen: Vec<&Example> = found.iter().collect();
    examples::check(root, &chosen, &built, tally, false);
    built.len() == crates.len()
}
