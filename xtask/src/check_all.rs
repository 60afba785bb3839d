//! `cargo xtask check-all`: the one gate, run by CI (`.ci/run`) and named in the README.
//!
//! Runs fmt, clippy, tests, rustdoc, the docs and generated-file checks, every example against
//! its golden transcript, and catalogue coverage, in that order. A failing step does not stop the
//! run: the point is to see everything that is wrong at once. Every step, every example and every
//! claimed pattern is one check; the last line printed is `N passed, M failed`.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use crate::workspace::{self, Crate, Example, Result, Tally, UsageError};
use crate::{coverage, docs, examples, readme};

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
        Ok(workspace::print_problems(&docs::check_tree(&root)?, ""))
    });
    step(
        &mut tally,
        "generated files (cargo xtask readme --check)",
        || Ok(workspace::print_problems(&readme::check_tree(&root)?, "")),
    );
    run_examples(&root, &mut tally);
    println!("==> coverage");
    if let Err(error) = coverage::check(&root, &mut tally) {
        println!("error: {error}");
        tally.record(false);
    }

    println!("{}", tally.summary());
    Ok(tally.ok())
}

/// Runs one counted step between a `==> name` line and an `ok (1.2s)` / `FAILED (1.2s)` line.
fn step(tally: &mut Tally, name: &str, body: impl FnOnce() -> Result<bool>) {
    println!("==> {name}");
    let start = Instant::now();
    let ok = body().unwrap_or_else(|error| {
        println!("error: {error}");
        false
    });
    let verdict = if ok { "ok" } else { "FAILED" };
    println!("{verdict} ({})", workspace::secs(start.elapsed()));
    tally.record(ok);
}

/// A cargo command with its output streaming through.
fn cargo(root: &Path, args: &[&str], env: Option<(&str, &str)>) -> Result<bool> {
    let mut command = workspace::cargo(root);
    command.args(args);
    if let Some((key, value)) = env {
        command.env(key, value);
    }
    workspace::run_streaming(&mut command)
}

/// Builds every example (one check), then runs each against its golden transcript (one check
/// each), printing the real time each crate's examples took together.
fn run_examples(root: &Path, tally: &mut Tally) {
    let found = match workspace::examples(root) {
        Ok(found) => found,
        Err(error) => {
            println!("==> examples\nerror: {error}\nFAILED");
            tally.record(false);
            return;
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
        if workspace::run_streaming(&mut command)? {
            built.extend(crates.iter().map(|k| k.dir.clone()));
            return Ok(true);
        }
        println!("workspace build failed; building crate by crate to check what compiles");
        for krate in &crates {
            if examples::build(root, &[&krate.package])? {
                built.insert(krate.dir.clone());
            } else {
                println!("{}: examples do not build", krate.dir);
            }
        }
        Ok(false)
    });

    let chosen: Vec<&Example> = found.iter().collect();
    examples::check(root, &chosen, &built, tally);
}
