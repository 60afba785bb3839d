//! Shared by the tests of this package: finding and running a built example binary.

#![allow(dead_code, reason = "each test file uses a part of this module")]
#![allow(unreachable_pub, reason = "a test-only module")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The package folder (`examples/`).
pub fn package_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built example binary `name`.
///
/// `CARGO_BIN_EXE_*` exists for `[[bin]]` targets only, so the path is derived from this test
/// binary's: `target/debug/deps/TEST-HASH` → `target/debug/examples/NAME`. `cargo test` builds
/// the examples before it runs any test; the binary is refused when it is older than a `.rs` file
/// of `src/` or `examples/` (a `cargo test --test NAME` run does not rebuild examples).
pub fn example_binary(name: &str) -> PathBuf {
    let test = std::env::current_exe().expect("the test binary has a path");
    let debug = test
        .parent()
        .and_then(Path::parent)
        .expect("the test binary lives in target/<profile>/deps");
    let binary = debug
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let built = std::fs::metadata(&binary)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| {
            panic!(
                "{} is missing: run `cargo build -p real-world --examples` (or `cargo test -p real-world`)",
                binary.display()
            )
        });
    let newest_source = ["src", "examples"]
        .iter()
        .flat_map(|dir| {
            std::fs::read_dir(package_dir().join(dir))
                .into_iter()
                .flatten()
        })
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|entry| entry.metadata().ok()?.modified().ok())
        .max()
        .expect("the package has sources");
    assert!(
        built >= newest_source,
        "{} is older than the sources: run `cargo build -p real-world --examples`",
        binary.display()
    );
    binary
}

/// Runs example `name` as the xtask does (with `TRANSCRIPT_CLOCK=paused`, which these examples
/// ignore) and returns its output and real running time.
pub fn run_example(name: &str) -> (Output, Duration) {
    let start = Instant::now();
    let output = Command::new(example_binary(name))
        .env("TRANSCRIPT_CLOCK", "paused")
        .output()
        .expect("the example starts");
    (output, start.elapsed())
}

/// Asserts the example runs in real time under 3 s and prints its golden transcript.
pub fn assert_runs_under_3s_and_matches_its_transcript(name: &str) {
    let (output, elapsed) = run_example(name);
    assert!(
        output.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        elapsed < Duration::from_secs(3),
        "{name} took {:.2} s",
        elapsed.as_secs_f64()
    );
    let golden = std::fs::read_to_string(package_dir().join(format!("examples/{name}.txt")))
        .expect("the golden transcript exists (cargo xtask bless NAME)");
    assert_eq!(String::from_utf8_lossy(&output.stdout), golden);
}

/// Resident memory of this process, in bytes.
pub fn rss() -> u64 {
    real_world::support::resident_bytes().expect("/proc/self/status is readable")
}
