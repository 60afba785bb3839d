//! What every subcommand needs to know about the workspace: where its root is, how to call cargo,
//! which crates and examples exist on disk, and a tally of passed and failed checks.
//!
//! Crates and examples are always found by scanning the tree (`crates/*/Cargo.toml`,
//! `crates/*/examples/*.rs`, and the top-level `examples/` package of real-world applications,
//! whose topic is `real-world`), never from a hand-kept list, so a new pattern is picked up by
//! every check the moment its files exist.

use std::env;
use std::error::Error as StdError;
use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Any failure that stops a subcommand (as opposed to a check that fails and is counted).
pub(crate) type Error = Box<dyn StdError + Send + Sync>;

/// The result of a subcommand step.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

/// Bad command-line arguments: `main` prints the usage text and exits with 2.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for UsageError {}

/// The workspace root: the parent of the xtask package.
///
/// The path is fixed at compile time, so `cargo xtask` works from any folder of the workspace
/// (cargo starts the binary in the caller's folder, not at the root).
pub(crate) fn root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .expect("the xtask package lives in a folder of the workspace root")
        .to_path_buf()
}

/// A `cargo` command run at the workspace root.
///
/// Uses `$CARGO` (set by cargo for the programs it runs) so the same toolchain that started the
/// xtask does the work; plain `cargo` when the binary was started some other way.
pub(crate) fn cargo(root: &Path) -> Command {
    let program = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command.current_dir(root);
    command
}

/// Runs a command with inherited stdio (its output streams through) and says whether it
/// succeeded.
///
/// # Errors
/// When the program cannot be started at all.
pub(crate) fn run_streaming(command: &mut Command) -> Result<bool> {
    // Our own progress lines go to stdout; flush them so they come before the child's output.
    io::stdout().flush()?;
    let status = command
        .status()
        .map_err(|error| format!("cannot run {:?}: {error}", command.get_program()))?;
    Ok(status.success())
}

/// Runs a command with its stdout and stderr captured together, in the order it wrote them, and
/// returns whether it succeeded and what it printed. The caller shows the output only when it
/// matters (a failure), which keeps a green check-all short.
///
/// # Errors
/// When the program cannot be started or its output cannot be read.
pub(crate) fn run_captured(mut command: Command) -> Result<(bool, String)> {
    let (mut reader, writer) = io::pipe()?;
    command.stdin(Stdio::null());
    command.stdout(writer.try_clone()?);
    command.stderr(writer);
    let mut child = command
        .spawn()
        .map_err(|error| format!("cannot run {:?}: {error}", command.get_program()))?;
    // The command holds the parent's copies of the pipe's write end: drop it, or the read below
    // never sees the end of the output.
    drop(command);
    let mut output = Vec::new();
    reader.read_to_end(&mut output)?;
    let status = child.wait()?;
    Ok((
        status.success(),
        String::from_utf8_lossy(&output).into_owned(),
    ))
}

/// Where cargo puts build output: `$CARGO_TARGET_DIR` if set, else `<root>/target`.
///
/// A relative `$CARGO_TARGET_DIR` is taken from the root, because that is the folder every cargo
/// command of the xtask runs in.
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// The folder of the top-level package of real-world applications (its own `src/`,
/// `examples/`, `tests/`), relative to the root.
pub(crate) const REAL_WORLD_FOLDER: &str = "examples";

/// The catalogue topic of the [`REAL_WORLD_FOLDER`] package.
pub(crate) const REAL_WORLD_TOPIC: &str = "real-world";

/// The folder of a topic's crate, relative to the root: `crates/TOPIC`, except the real-world
/// topic's top-level `examples/`.
pub(crate) fn topic_folder(topic: &str) -> String {
    if topic == REAL_WORLD_TOPIC {
        REAL_WORLD_FOLDER.to_owned()
    } else {
        format!("crates/{topic}")
    }
}

/// A member crate under `crates/`, or the top-level real-world package.
#[derive(Debug, Clone)]
pub(crate) struct Crate {
    /// The catalogue topic: the folder name under `crates/`, or [`REAL_WORLD_TOPIC`] for the
    /// top-level [`REAL_WORLD_FOLDER`] package.
    pub(crate) dir: String,
    /// The package name from its `Cargo.toml` (what `cargo -p` wants).
    pub(crate) package: String,
    /// `<root>/crates/<dir>`, or `<root>/examples`.
    pub(crate) path: PathBuf,
}

/// Every folder under `crates/` that has a `Cargo.toml`, sorted by folder name, then the
/// top-level `examples/` package when its `Cargo.toml` exists.
///
/// A folder without a manifest is somebody's work in progress, not a crate yet: it is skipped.
///
/// # Errors
/// When `crates/` cannot be read, or a manifest has no `[package]` name.
pub(crate) fn crates(root: &Path) -> Result<Vec<Crate>> {
    let mut found = Vec::new();
    for dir in sorted_entries(&root.join("crates"))? {
        let manifest = dir.join("Cargo.toml");
        if !dir.is_dir() || !manifest.is_file() {
            continue;
        }
        let text = read(&manifest)?;
        let package = package_name(&text)
            .ok_or_else(|| format!("{}: no `name = \"...\"` in [package]", rel(root, &manifest)))?;
        found.push(Crate {
            dir: file_name(&dir),
            package,
            path: dir,
        });
    }
    let real_world = root.join(REAL_WORLD_FOLDER);
    let manifest = real_world.join("Cargo.toml");
    if manifest.is_file() {
        let package = package_name(&read(&manifest)?)
            .ok_or_else(|| format!("{}: no `name = \"...\"` in [package]", rel(root, &manifest)))?;
        found.push(Crate {
            dir: REAL_WORLD_TOPIC.to_owned(),
            package,
            path: real_world,
        });
    }
    Ok(found)
}

/// The `name` of a manifest's `[package]` table.
pub(crate) fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        let Some(rest) = line.strip_prefix("name") else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.split('#').next().unwrap_or_default().trim();
        let name = value.trim_matches(|c| c == '"' || c == '\'');
        if !name.is_empty() {
            return Some(name.to_owned());
        }
    }
    None
}

/// One example program found on disk.
#[derive(Debug, Clone)]
pub(crate) struct Example {
    /// The crate (folder and package) it belongs to.
    pub(crate) krate: Crate,
    /// The example name, i.e. the file stem (`cargo run --example NAME`).
    pub(crate) name: String,
    /// `crates/<crate>/examples/<name>.txt`, the golden transcript (which may not exist yet).
    pub(crate) golden: PathBuf,
}

/// Every `crates/*/examples/*.rs` of every crate, then `examples/examples/*.rs` of the
/// real-world package, in crate order, then by name.
///
/// # Errors
/// When a folder cannot be read.
pub(crate) fn examples(root: &Path) -> Result<Vec<Example>> {
    let mut found = Vec::new();
    for krate in crates(root)? {
        let dir = krate.path.join("examples");
        if !dir.is_dir() {
            continue;
        }
        for source in sorted_entries(&dir)? {
            if !source.is_file() || source.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let Some(name) = source.file_stem().and_then(|stem| stem.to_str()) else {
                continue;
            };
            let name = name.to_owned();
            let golden = source.with_extension("txt");
            found.push(Example {
                krate: krate.clone(),
                name,
                golden,
            });
        }
    }
    Ok(found)
}

/// The entries of a folder, sorted so every listing the xtask prints is stable.
fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries =
        fs::read_dir(dir).map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    let mut paths = entries
        .map(|entry| entry.map(|e| e.path()))
        .collect::<io::Result<Vec<_>>>()?;
    paths.sort();
    Ok(paths)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Parses the one optional argument, `--check`, of a subcommand that writes generated files.
///
/// # Errors
/// A [`UsageError`] for anything else.
pub(crate) fn check_flag(command: &str, args: &[String]) -> Result<bool> {
    match args {
        [] => Ok(false),
        [flag] if flag == "--check" => Ok(true),
        _ => Err(UsageError(format!("{command} takes only --check, got {args:?}")).into()),
    }
}

/// Prints every problem a check found, or `clean` when there is none; true when there is none.
pub(crate) fn print_problems(problems: &[String], clean: &str) -> bool {
    for problem in problems {
        println!("{problem}");
    }
    if problems.is_empty() && !clean.is_empty() {
        println!("{clean}");
    }
    problems.is_empty()
}

/// Reads a UTF-8 file, naming it in the error.
///
/// # Errors
/// When the file is missing, unreadable or not UTF-8.
pub(crate) fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()).into())
}

/// Writes a file, naming it in the error.
///
/// # Errors
/// When the file cannot be written.
pub(crate) fn write(path: &Path, contents: &str) -> Result<()> {
    fs::write(path, contents)
        .map_err(|error| format!("cannot write {}: {error}", path.display()).into())
}

/// A path relative to the root, with `/` separators, for messages.
pub(crate) fn rel(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Seconds with one decimal, the way step timings are printed (`12.3s`).
pub(crate) fn secs(duration: Duration) -> String {
    format!("{:.1}s", duration.as_secs_f64())
}

/// Seconds with two decimals, for the short runs of single examples (`0.04s`).
pub(crate) fn secs2(duration: Duration) -> String {
    format!("{:.2}s", duration.as_secs_f64())
}

/// Indents every line of `text`.
pub(crate) fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|line| format!("{by}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Counts checks; every step, example and pattern is one check.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) passed: usize,
    pub(crate) failed: usize,
}

impl Tally {
    /// Records one check.
    pub(crate) fn record(&mut self, ok: bool) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
    }

    /// True when nothing failed.
    pub(crate) fn ok(&self) -> bool {
        self.failed == 0
    }

    /// The summary line every checking subcommand ends with.
    pub(crate) fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_name_is_read_from_the_package_table() {
        let manifest = "[workspace]\nname = \"no\"\n\n[package]\n# comment\nname = \"concurrency-control\" # why\nversion = \"1\"\n\n[dependencies]\nname = \"no\"\n";
        assert_eq!(
            package_name(manifest).as_deref(),
            Some("concurrency-control")
        );
        assert_eq!(package_name("[dependencies]\nname = \"x\"\n"), None);
    }

    #[cfg(unix)]
    #[test]
    fn captured_output_keeps_stdout_and_stderr_in_order() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo one; echo two >&2; echo three; exit 3"]);
        let (ok, output) = run_captured(command).unwrap();
        assert!(!ok);
        assert_eq!(output, "one\ntwo\nthree\n");

        let mut command = Command::new("sh");
        command.args(["-c", "true"]);
        assert_eq!(run_captured(command).unwrap(), (true, String::new()));
    }

    #[test]
    fn the_real_world_package_is_a_crate_with_its_examples() {
        let root = std::env::temp_dir().join(format!("xtask-real-world-{}", std::process::id()));
        let basics = root.join("crates/basics");
        std::fs::create_dir_all(basics.join("examples")).unwrap();
        std::fs::write(basics.join("Cargo.toml"), "[package]\nname = \"basics\"\n").unwrap();
        std::fs::write(basics.join("examples/hello.rs"), "").unwrap();
        let apps = root.join("examples");
        std::fs::create_dir_all(apps.join("examples")).unwrap();
        std::fs::write(
            apps.join("Cargo.toml"),
            "[package]\nname = \"real-world\"\n",
        )
        .unwrap();
        std::fs::write(apps.join("examples/chat.rs"), "").unwrap();

        let found: Vec<(String, String)> = crates(&root)
            .unwrap()
            .into_iter()
            .map(|k| (k.dir, k.package))
            .collect();
        assert_eq!(
            found,
            [
                ("basics".to_owned(), "basics".to_owned()),
                ("real-world".to_owned(), "real-world".to_owned())
            ]
        );
        let chat = examples(&root).unwrap().pop().unwrap();
        assert_eq!(chat.name, "chat");
        assert_eq!(rel(&root, &chat.golden), "examples/examples/chat.txt");
        assert_eq!(topic_folder("real-world"), "examples");
        assert_eq!(topic_folder("basics"), "crates/basics");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn rel_uses_forward_slashes_under_the_root() {
        let root = Path::new("/r");
        assert_eq!(rel(root, Path::new("/r/docs/basics.md")), "docs/basics.md");
    }
}
