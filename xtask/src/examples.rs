//! `cargo xtask examples [NAME...]`: build the examples and compare each one's output with its
//! golden transcript (check-all's example step, on its own). Also the runner check-all and bless
//! share.
//!
//! Examples run straight from the target folder (not through `cargo run`, which would take cargo's
//! build lock and re-check freshness once per example) with `TRANSCRIPT_CLOCK=paused`, so each
//! finishes in milliseconds and prints the same bytes every time.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::workspace::{self, Example, Result, Tally, UsageError};

/// The environment variable that puts an example on tokio's paused clock
/// (`testing::clock::CLOCK_ENV`; the xtask does not depend on the workspace crates, so it is
/// spelled out here).
const CLOCK_ENV: &str = "TRANSCRIPT_CLOCK";

/// How long one example may run before it is killed and fails.
pub(crate) const TIME_LIMIT: Duration = Duration::from_secs(10);

/// How often a running example is polled for exit.
const POLL: Duration = Duration::from_millis(2);

/// The subcommand.
///
/// # Errors
/// On bad arguments or an unknown example name.
pub(crate) fn run(args: &[String]) -> Result<bool> {
    let real_time = args.iter().any(|arg| arg == "--real-time");
    let names: Vec<String> = args
        .iter()
        .filter(|arg| *arg != "--real-time")
        .cloned()
        .collect();
    if let Some(flag) = names.iter().find(|arg| arg.starts_with('-')) {
        return Err(UsageError(format!(
            "examples takes example names and --real-time, not `{flag}`"
        ))
        .into());
    }
    let root = workspace::root();
    let all = workspace::examples(&root)?;
    let chosen = select(&all, &names)?;
    if real_time {
        return crate::real_time::run(&root, &chosen);
    }
    let mut tally = Tally::default();
    println!("==> examples: build");
    let built_ok = build(&root, &packages(&chosen))?;
    println!("{}", if built_ok { "ok" } else { "FAILED" });
    tally.record(built_ok);
    let built: BTreeSet<String> = if built_ok {
        chosen.iter().map(|e| e.krate.dir.clone()).collect()
    } else {
        BTreeSet::new()
    };
    check(&root, &chosen, &built, &mut tally, true);
    println!("{}", tally.summary());
    Ok(tally.ok())
}

/// The examples named (all of them when no name is given).
///
/// # Errors
/// When a name matches no example.
pub(crate) fn select<'a>(all: &'a [Example], names: &[String]) -> Result<Vec<&'a Example>> {
    if names.is_empty() {
        return Ok(all.iter().collect());
    }
    let unknown: Vec<&str> = names
        .iter()
        .filter(|name| !all.iter().any(|e| &e.name == *name))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = all.iter().map(|e| e.name.as_str()).collect();
        return Err(format!(
            "no example named {} (examples: {})",
            unknown.join(", "),
            known.join(", ")
        )
        .into());
    }
    Ok(all.iter().filter(|e| names.contains(&e.name)).collect())
}

/// The packages the examples belong to, each once.
pub(crate) fn packages<'a>(examples: &[&'a Example]) -> Vec<&'a str> {
    let set: BTreeSet<&str> = examples.iter().map(|e| e.krate.package.as_str()).collect();
    set.into_iter().collect()
}

/// Runs every example whose crate is in `built` against its golden transcript, one check each
/// (an example whose crate did not build fails), and prints the real time each crate's examples
/// took together. `verbose` prints a line for every example; otherwise only failures are
/// printed, with one line per crate.
pub(crate) fn check(
    root: &Path,
    examples: &[&Example],
    built: &BTreeSet<String>,
    tally: &mut Tally,
    verbose: bool,
) {
    let target_dir = workspace::target_dir(root);
    println!(
        "==> examples: run ({} twice on the paused clock, {}s limit each, stdout equal to NAME.txt both times)",
        examples.len(),
        TIME_LIMIT.as_secs()
    );
    let mut crates: Vec<&str> = Vec::new();
    for example in examples {
        if !crates.contains(&example.krate.dir.as_str()) {
            crates.push(&example.krate.dir);
        }
    }
    for krate in crates {
        let start = Instant::now();
        let (mut count, mut failed) = (0, 0);
        for example in examples.iter().filter(|e| e.krate.dir == krate) {
            count += 1;
            let label = format!("{krate}/{}", example.name);
            if !built.contains(krate) {
                println!("  {label} FAILED: its crate did not build");
                failed += 1;
                tally.record(false);
                continue;
            }
            let binary = binary(&target_dir, &example.name);
            let outcome = run_one(root, &binary, TIME_LIMIT)
                .map_err(|error| error.to_string())
                .and_then(|run| compare(root, example, &run).map(|()| run))
                .and_then(|first| {
                    // A second run must print the same bytes: a race that happens to match the
                    // golden file once is caught here, not by a reader.
                    let second = run_one(root, &binary, TIME_LIMIT).map_err(|e| e.to_string())?;
                    same_twice(&first, &second).map(|()| first.elapsed + second.elapsed)
                });
            match &outcome {
                Ok(elapsed) if verbose => {
                    println!("  {label} ok ({})", workspace::secs2(*elapsed));
                }
                Ok(_) => {}
                Err(reason) => {
                    failed += 1;
                    println!("  {label} FAILED: {reason}");
                }
            }
            tally.record(outcome.is_ok());
        }
        let total = workspace::secs2(start.elapsed());
        let noun = if count == 1 { "example" } else { "examples" };
        let verdict = if failed == 0 {
            "ok".to_owned()
        } else {
            format!("{failed} FAILED")
        };
        println!("  {krate}: {count} {noun}, {verdict}, in {total} real time");
    }
}

/// The compiled example binary in the target folder.
pub(crate) fn binary(target_dir: &Path, name: &str) -> PathBuf {
    target_dir
        .join("debug")
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// Builds the examples of the given packages, streaming cargo's output.
///
/// # Errors
/// When cargo cannot be started.
pub(crate) fn build(root: &Path, packages: &[&str]) -> Result<bool> {
    workspace::run_streaming(&mut build_command(root, packages))
}

/// The cargo command that builds the examples of the given packages.
pub(crate) fn build_command(root: &Path, packages: &[&str]) -> Command {
    let mut command = workspace::cargo(root);
    command.args(["build", "--examples"]);
    for package in packages {
        command.args(["-p", package]);
    }
    command
}

/// How an example run ended.
#[derive(Debug)]
pub(crate) enum End {
    /// It exited by itself.
    Exited(ExitStatus),
    /// It ran past [`TIME_LIMIT`] and was killed.
    TimedOut,
}

/// One finished (or killed) example run.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) end: End,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
    /// Real time from start to exit.
    pub(crate) elapsed: Duration,
    /// The time limit it ran under.
    pub(crate) limit: Duration,
}

impl Run {
    /// Why the run is not usable as a transcript, if it is not.
    pub(crate) fn failure(&self) -> Option<String> {
        let reason = match &self.end {
            End::Exited(status) if status.success() => return None,
            End::Exited(status) => format!("exited with {status}"),
            End::TimedOut => format!("killed after the {}s time limit", self.limit.as_secs()),
        };
        let stderr = String::from_utf8_lossy(&self.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        if tail.is_empty() {
            Some(reason)
        } else {
            Some(format!(
                "{reason}; stderr ends with:\n{}",
                workspace::indent(&tail.join("\n"), "  | ")
            ))
        }
    }
}

/// Runs one example binary on the paused clock, killing it after `limit` (check-all and bless
/// use [`TIME_LIMIT`]).
///
/// # Errors
/// When the binary cannot be started or waited for.
pub(crate) fn run_one(root: &Path, binary: &Path, limit: Duration) -> Result<Run> {
    run_on_clock(root, binary, limit, true)
}

/// Runs one example binary on the paused clock (`paused`) or on the real clock (the clock
/// variable removed, as when a person runs it), killing it after `limit`.
///
/// # Errors
/// When the binary cannot be started or waited for.
pub(crate) fn run_on_clock(
    root: &Path,
    binary: &Path,
    limit: Duration,
    paused: bool,
) -> Result<Run> {
    let start = Instant::now();
    let mut command = Command::new(binary);
    if paused {
        command.env(CLOCK_ENV, "paused");
    } else {
        command.env_remove(CLOCK_ENV);
    }
    let mut child = command
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot start {}: {error}", binary.display()))?;
    // Drain both pipes on their own threads: a child that fills a pipe nobody reads would block
    // forever and look like a timeout.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let end = loop {
        if let Some(status) = child.try_wait()? {
            break End::Exited(status);
        }
        if start.elapsed() >= limit {
            // Killing a child that has just exited fails harmlessly; `wait` reaps it either way.
            let _ = child.kill();
            child.wait()?;
            break End::TimedOut;
        }
        pause(POLL);
    };
    let elapsed = start.elapsed();
    Ok(Run {
        end,
        stdout: collect(&stdout),
        stderr: collect(&stderr),
        elapsed,
        limit,
    })
}

#[expect(
    clippy::disallowed_methods,
    reason = "the xtask is plain synchronous code polling a child process, not async code on a runtime"
)]
fn pause(duration: Duration) {
    thread::sleep(duration);
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel();
    if let Some(mut pipe) = pipe {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            // A read error leaves what was read so far, which is all a diff can show anyway.
            let _ = pipe.read_to_end(&mut bytes);
            let _ = sender.send(bytes);
        });
    }
    receiver
}

/// What a drain thread read. A grandchild process could hold the pipe open after the example
/// exited; waiting a moment and giving up keeps the xtask from hanging on it.
fn collect(receiver: &mpsc::Receiver<Vec<u8>>) -> Vec<u8> {
    receiver
        .recv_timeout(Duration::from_secs(2))
        .unwrap_or_default()
}

/// Checks that a second run of an example printed exactly what the first (already compared with
/// the golden transcript) printed.
fn same_twice(first: &Run, second: &Run) -> Result<(), String> {
    if let Some(failure) = second.failure() {
        return Err(format!("the second run failed: {failure}"));
    }
    if first.stdout == second.stdout {
        return Ok(());
    }
    let diff = crate::diff::render(
        &String::from_utf8_lossy(&first.stdout),
        &String::from_utf8_lossy(&second.stdout),
    );
    Err(format!(
        "not deterministic: the second run printed something else (- first run, + second run)\n{}",
        workspace::indent(&diff, "    ")
    ))
}

/// Checks one example against its golden transcript: `Ok(())` or a printable reason.
pub(crate) fn compare(root: &Path, example: &Example, run: &Run) -> Result<(), String> {
    if let Some(failure) = run.failure() {
        return Err(failure);
    }
    let golden_rel = workspace::rel(root, &example.golden);
    let Ok(golden) = std::fs::read(&example.golden) else {
        return Err(format!(
            "no golden transcript {golden_rel} (run `cargo xtask bless {}`)",
            example.name
        ));
    };
    if golden == run.stdout {
        return Ok(());
    }
    let diff = crate::diff::render(
        &String::from_utf8_lossy(&golden),
        &String::from_utf8_lossy(&run.stdout),
    );
    let diff = if diff.is_empty() {
        "(the bytes differ but the lines read the same: invalid UTF-8?)".to_owned()
    } else {
        diff
    };
    Err(format!(
        "stdout differs from {golden_rel} (- golden, + actual; `cargo xtask bless {}` accepts it)\n{}",
        example.name,
        workspace::indent(&diff, "    ")
    ))
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// An executable shell script in a fresh temporary folder.
    fn script(name: &str, body: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-test-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    // One test runs the three scripts in turn: executing a file this process has just written
    // can fail with "text file busy" while another test thread forks.
    #[test]
    fn runs_capture_output_time_out_and_report_failures() {
        let echo = script("echo", "echo \"clock=$TRANSCRIPT_CLOCK\"; echo oops >&2");
        let run = run_one(&std::env::temp_dir(), &echo, TIME_LIMIT).unwrap();
        assert!(run.failure().is_none(), "{:?}", run.failure());
        assert_eq!(run.stdout, b"clock=paused\n");
        assert_eq!(run.stderr, b"oops\n");

        let hang = script("hang", "exec sleep 30");
        let run = run_one(&std::env::temp_dir(), &hang, Duration::from_millis(200)).unwrap();
        assert!(matches!(run.end, End::TimedOut), "{:?}", run.end);
        assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
        assert!(run.failure().unwrap().contains("killed after"));

        let fail = script("fail", "echo 'Error: no such user' >&2; exit 3");
        let run = run_one(&std::env::temp_dir(), &fail, TIME_LIMIT).unwrap();
        let failure = run.failure().unwrap();
        assert!(failure.contains("exit status: 3"), "{failure}");
        assert!(failure.contains("| Error: no such user"), "{failure}");

        for path in [echo, hang, fail] {
            let _ = std::fs::remove_dir_all(path.parent().unwrap());
        }
    }

    #[test]
    fn a_second_run_must_print_the_same_bytes() {
        let counter = std::env::temp_dir().join(format!("xtask-twice-{}", std::process::id()));
        let _ = std::fs::remove_file(&counter);
        // Prints "1" the first time and "2" the second: a transcript that is not reproducible.
        let racy = script(
            "racy",
            &format!("echo x >> {0}; wc -l < {0} | tr -d ' '", counter.display()),
        );
        let first = run_one(&std::env::temp_dir(), &racy, TIME_LIMIT).unwrap();
        let second = run_one(&std::env::temp_dir(), &racy, TIME_LIMIT).unwrap();
        let failure = same_twice(&first, &second).unwrap_err();
        assert!(failure.contains("not deterministic"), "{failure}");
        assert!(same_twice(&first, &first).is_ok());
        let _ = std::fs::remove_file(&counter);
        let _ = std::fs::remove_dir_all(racy.parent().unwrap());
    }
}
