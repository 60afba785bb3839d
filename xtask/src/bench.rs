//! `cargo xtask bench`: the benchmarks, in release mode. Not part of check-all: benchmarks want a
//! quiet machine and release builds, and their figures are read, not asserted.
//!
//! - `bench [TOPIC...]`: every crate with a `benches/` folder (or the named crates) runs
//!   `cargo bench -p PACKAGE`, its reports streaming through.
//! - `bench --python [--quick] [--reps N] [WORKLOAD...]`: the cross-language table of
//!   `docs/performance.md`. Builds `cross-bench` (`bench/rust`), sets up a virtual environment
//!   with uvloop and aiohttp in `target/bench-venv` (or runs the Rust side alone when there is no
//!   `python3`), starts the W7 HTTP server, then runs every workload as asyncio, uvloop,
//!   hand-written tokio and our pattern, one process per run, the variants interleaved and their
//!   order reversed every other repetition (5, or 3 with `--quick`, which also shrinks the
//!   sizes). Each process reports a witness and a checksum; a wrong one fails the run. Prints one
//!   markdown table of medians.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::workspace::{self, Crate, Result, UsageError};

/// The subcommand.
///
/// # Errors
/// On bad arguments or an unknown crate name.
pub(crate) fn run(args: &[String]) -> Result<bool> {
    if args.iter().any(|arg| arg == "--python" || arg == "--quick") {
        return cross_language(args);
    }
    if let Some(flag) = args.iter().find(|arg| arg.starts_with('-')) {
        return Err(UsageError(format!(
            "bench takes crate names (or --python), not `{flag}`"
        ))
        .into());
    }
    let root = workspace::root();
    let crates = workspace::crates(&root)?;
    let chosen: Vec<&Crate> = if args.is_empty() {
        crates
            .iter()
            .filter(|k| k.path.join("benches").is_dir())
            .collect()
    } else {
        let mut chosen = Vec::new();
        for name in args {
            let krate = crates
                .iter()
                .find(|k| &k.dir == name || &k.package == name)
                .ok_or_else(|| {
                    let known: Vec<&str> = crates.iter().map(|k| k.dir.as_str()).collect();
                    format!("no crate named {name} (crates: {})", known.join(", "))
                })?;
            chosen.push(krate);
        }
        chosen
    };
    if chosen.is_empty() {
        println!("no crate has a benches/ folder yet");
        return Ok(true);
    }

    let mut failed = Vec::new();
    for krate in &chosen {
        println!("==> bench {} (cargo bench -p {})", krate.dir, krate.package);
        let mut command = workspace::cargo(&root);
        command.args(["bench", "-p", &krate.package]);
        if !workspace::run_streaming(&mut command)? {
            println!("FAILED");
            failed.push(krate.dir.as_str());
        }
    }
    if failed.is_empty() {
        println!("benchmarks of {} crates done", chosen.len());
    } else {
        println!("benchmarks failed: {}", failed.join(", "));
    }
    Ok(failed.is_empty())
}

// ---------------------------------------------------------------------------------------------
// The cross-language run: `cargo xtask bench --python [--quick] [--reps N] [WORKLOAD...]`.
// ---------------------------------------------------------------------------------------------

/// What a row's witness must equal.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// The value of one parameter.
    Param(&'static str),
    /// The sum of two parameters (producers + consumers).
    Sum(&'static str, &'static str),
    /// `branches ^ levels`: every leaf of the tree.
    Leaves,
    /// The process's own `expected_witness` (the memoized trees: the number of sleeps, which
    /// the checksum also covers, so it must agree across variants).
    Reported,
}

/// One row of the table: a workload, its sizes, and whether Python runs it.
#[derive(Debug)]
struct Row {
    /// The workload name both programs take.
    workload: &'static str,
    /// `Some("multi_thread")` for the Rust-only rows on tokio's multi-thread runtime.
    flavor: Option<&'static str>,
    /// Whether asyncio and uvloop run it too.
    python: bool,
    full: &'static str,
    quick: &'static str,
    expect: Expect,
}

const fn row(
    workload: &'static str,
    full: &'static str,
    quick: &'static str,
    expect: Expect,
) -> Row {
    Row {
        workload,
        flavor: None,
        python: true,
        full,
        quick,
        expect,
    }
}

/// The same sizes, Rust only, on the given flavor (`None`: current_thread).
const fn rust_only(base: Row, flavor: Option<&'static str>) -> Row {
    Row {
        flavor,
        python: false,
        ..base
    }
}

const W3: Row = row(
    "W3",
    "n=1000000 producers=1 consumers=1 capacity=1024",
    "n=200000 producers=1 consumers=1 capacity=1024",
    Expect::Sum("producers", "consumers"),
);
const W4: Row = row(
    "W4",
    "n=1000000 producers=4 consumers=4 capacity=1024",
    "n=200000 producers=4 consumers=4 capacity=1024",
    Expect::Sum("producers", "consumers"),
);
const W5: Row = row(
    "W5",
    "tasks=1000 increments=1000",
    "tasks=200 increments=1000",
    Expect::Param("tasks"),
);
const W5_STD: Row = Row {
    workload: "W5-std",
    ..W5
};
const TREE: &str = "levels=6 branches=6 ms=50";
const TREE_QUICK: &str = "levels=5 branches=6 ms=50";

/// Every row, in table order.
const ROWS: &[Row] = &[
    row("W1", "n=100000 ms=10", "n=20000 ms=10", Expect::Param("n")),
    row(
        "W2",
        "n=20000 limit=100 ms=1",
        "n=4000 limit=100 ms=1",
        Expect::Param("limit"),
    ),
    W3,
    rust_only(W3, Some("multi_thread")),
    W4,
    rust_only(W4, Some("multi_thread")),
    W5,
    rust_only(W5, Some("multi_thread")),
    rust_only(W5_STD, None),
    rust_only(W5_STD, Some("multi_thread")),
    row("W6", "n=200000", "n=50000", Expect::Param("n")),
    row(
        "W7",
        "n=20000 concurrency=100",
        "n=4000 concurrency=100",
        Expect::Param("concurrency"),
    ),
    row("W8", "n=1000000", "n=200000", Expect::Param("n")),
    row("tree-none", TREE, TREE_QUICK, Expect::Leaves),
    row("tree-io", TREE, TREE_QUICK, Expect::Leaves),
    row("tree-memo", TREE, TREE_QUICK, Expect::Reported),
    row("tree-mixed", TREE, TREE_QUICK, Expect::Reported),
    row(
        "tcp",
        "chunks=100 chunk_kib=10240",
        "chunks=20 chunk_kib=10240",
        Expect::Param("chunks"),
    ),
];

impl Row {
    fn label(&self) -> String {
        match self.flavor {
            Some(_) => format!("{} (mt)", self.workload),
            None => self.workload.to_owned(),
        }
    }

    fn params(&self, quick: bool) -> Vec<&'static str> {
        let sizes = if quick { self.quick } else { self.full };
        sizes.split_whitespace().collect()
    }

    fn param(&self, quick: bool, key: &str) -> u64 {
        self.params(quick)
            .iter()
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// The witness this row must reach, if the parameters say.
    fn expected(&self, quick: bool) -> Option<u64> {
        Some(match self.expect {
            Expect::Param(key) => self.param(quick, key),
            Expect::Sum(a, b) => self.param(quick, a) + self.param(quick, b),
            Expect::Leaves => {
                let levels = u32::try_from(self.param(quick, "levels")).unwrap_or(0);
                self.param(quick, "branches").pow(levels)
            }
            Expect::Reported => return None,
        })
    }
}

/// The four columns, in run order for even repetitions.
const VARIANTS: [&str; 4] = ["asyncio", "uvloop", "tokio", "ours"];

/// What the cross-language run was asked to do.
#[derive(Debug)]
struct Options {
    quick: bool,
    reps: usize,
    only: Vec<String>,
}

fn options(args: &[String]) -> Result<Options> {
    let mut options = Options {
        quick: false,
        reps: 0,
        only: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--python" => {}
            "--quick" => options.quick = true,
            "--reps" => {
                options.reps = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or_else(|| UsageError("--reps takes a number above 0".into()))?;
            }
            flag if flag.starts_with('-') => {
                return Err(UsageError(format!("bench does not know `{flag}`")).into());
            }
            name => {
                if !ROWS.iter().any(|row| row.workload == name) {
                    let known: Vec<&str> = ROWS.iter().map(|row| row.workload).collect();
                    return Err(UsageError(format!(
                        "no workload named {name} (workloads: {})",
                        known.join(", ")
                    ))
                    .into());
                }
                options.only.push(name.to_owned());
            }
        }
    }
    if options.reps == 0 {
        options.reps = if options.quick { 3 } else { 5 };
    }
    Ok(options)
}

/// The Python interpreter of the benchmark's virtual environment, set up if needed, and the
/// versions line; `None` (after saying why) when Python cannot be used.
fn python(root: &Path) -> Option<(PathBuf, String)> {
    let system = Command::new("python3").arg("--version").output();
    if !matches!(&system, Ok(out) if out.status.success()) {
        println!("python3 not found: running the Rust side alone");
        return None;
    }
    let venv = workspace::target_dir(root).join("bench-venv");
    let interpreter = venv.join("bin").join("python");
    let ready = |interpreter: &Path| {
        Command::new(interpreter)
            .args(["-c", "import uvloop, aiohttp"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if !ready(&interpreter) {
        println!(
            "==> setting up {} (uvloop, aiohttp)",
            workspace::rel(root, &venv)
        );
        let created = interpreter.is_file()
            || Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .is_ok_and(|status| status.success());
        let installed = created
            && Command::new(&interpreter)
                .args(["-m", "pip", "install", "--quiet", "uvloop", "aiohttp"])
                .status()
                .is_ok_and(|status| status.success());
        if !installed || !ready(&interpreter) {
            println!("could not install uvloop and aiohttp: running the Rust side alone");
            return None;
        }
    }
    let versions = Command::new(&interpreter)
        .args([
            "-c",
            "import sys, uvloop, aiohttp; \
             print(f'Python {sys.version.split()[0]}, uvloop {uvloop.__version__}, \
             aiohttp {aiohttp.__version__}')",
        ])
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    Some((interpreter, versions))
}

/// The W7 server, stopped (its stdin closed, then killed) when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(binary: &Path) -> Result<Server> {
        let mut child = Command::new(binary)
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|error| format!("cannot start the W7 server: {error}"))?;
        let stdout = child.stdout.take().ok_or("the server has no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let port = line
            .trim()
            .strip_prefix("port ")
            .and_then(|port| port.parse().ok())
            .ok_or_else(|| format!("the W7 server said {line:?}, not `port N`"))?;
        Ok(Server { child, port })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        // It exits when its stdin closes; the kill is for a server that hangs. Both can fail
        // only if it already exited, which is what we want.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One process's report.
#[derive(Debug, Clone, Copy)]
struct Sample {
    wall: f64,
    cpu: f64,
    rss_kib: u64,
    per_task: Option<u64>,
}

/// A flat JSON object's field, as text (strings without their quotes). Enough for the one-line
/// reports of `cross-bench` and `workloads.py`, which hold only strings and numbers.
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let start = line.find(&format!("\"{key}\":"))? + key.len() + 3;
    let rest = &line[start..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    Some(rest[..end].trim().trim_matches('"'))
}

fn number<T: std::str::FromStr>(line: &str, key: &str) -> Option<T> {
    field(line, key)?.parse().ok()
}

/// Runs one variant of one row once: the sample, or why it failed.
fn run_once(
    row: &Row,
    variant: &str,
    quick: bool,
    program: &[&OsStr],
    port: Option<u16>,
    checksums: &mut BTreeMap<String, u64>,
) -> std::result::Result<Sample, String> {
    let mut command = Command::new(program[0]);
    command.args(&program[1..]).arg(row.workload).arg(variant);
    if let Some(flavor) = row.flavor {
        command.args(["--flavor", flavor]);
    }
    command.args(row.params(quick));
    if let Some(port) = port {
        command.arg(format!("port={port}"));
    }
    let start = Instant::now();
    let output = command
        .output()
        .map_err(|error| format!("cannot start: {error}"))?;
    let wall = start.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let line = stdout.lines().last().unwrap_or_default();
    let witness: u64 = number(line, "witness").ok_or_else(|| format!("no witness in {line:?}"))?;
    let checksum: u64 =
        number(line, "checksum").ok_or_else(|| format!("no checksum in {line:?}"))?;
    let expected = row
        .expected(quick)
        .or_else(|| number(line, "expected_witness"))
        .ok_or_else(|| format!("no expected_witness in {line:?}"))?;
    if witness != expected {
        return Err(format!("witness {witness}, expected {expected}"));
    }
    let first = *checksums.entry(row.label()).or_insert(checksum);
    if checksum != first {
        return Err(format!("checksum {checksum}, another variant gave {first}"));
    }
    Ok(Sample {
        wall,
        cpu: number(line, "cpu_s").unwrap_or(f64::NAN),
        rss_kib: number(line, "peak_rss_kib").unwrap_or(0),
        per_task: number(line, "per_task_bytes"),
    })
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn show_time(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else {
        format!("{:.0} ms", seconds * 1e3)
    }
}

/// The column of one variant of one row: median wall time and spread, median CPU, peak memory.
#[derive(Debug, Clone, Copy)]
struct Summary {
    wall: f64,
    spread: f64,
    cpu: f64,
    rss_mib: f64,
    per_task: Option<u64>,
}

fn summarize(samples: &[Sample]) -> Option<Summary> {
    if samples.is_empty() {
        return None;
    }
    let mut walls: Vec<f64> = samples.iter().map(|s| s.wall).collect();
    let wall = median(&mut walls);
    let (low, high) = (walls[0], walls[walls.len() - 1]);
    let mut cpus: Vec<f64> = samples.iter().map(|s| s.cpu).collect();
    let mut per_task: Vec<f64> = samples
        .iter()
        .filter_map(|s| s.per_task)
        .map(|b| b as f64)
        .collect();
    Some(Summary {
        wall,
        spread: if wall > 0.0 { (high - low) / wall } else { 0.0 },
        cpu: median(&mut cpus),
        rss_mib: samples.iter().map(|s| s.rss_kib).max().unwrap_or(0) as f64 / 1024.0,
        per_task: (!per_task.is_empty()).then(|| median(&mut per_task) as u64),
    })
}

fn ratio(a: Option<Summary>, b: Option<Summary>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b.wall > 0.0 => format!("{:.2}", a.wall / b.wall),
        _ => "–".to_owned(),
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`, from the system clock (Howard Hinnant's civil-from-days).
fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = i64::try_from(secs / 86_400).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// `cargo xtask bench --python`: builds, sets up Python, runs every row interleaved, prints the
/// table. Fails when any run fails its witness or checksum (or does not run).
fn cross_language(args: &[String]) -> Result<bool> {
    let options = options(args)?;
    let root = workspace::root();
    println!("==> build cross-bench (cargo build --release -p cross-bench)");
    let mut build = workspace::cargo(&root);
    build.args(["build", "--release", "-p", "cross-bench"]);
    if !workspace::run_streaming(&mut build)? {
        println!("FAILED");
        return Ok(false);
    }
    let binary = workspace::target_dir(&root)
        .join("release")
        .join("cross-bench");
    let python = python(&root);
    let script = root.join("bench").join("python").join("workloads.py");
    let rows: Vec<&Row> = ROWS
        .iter()
        .filter(|row| options.only.is_empty() || options.only.iter().any(|n| n == row.workload))
        .collect();
    let server = if rows.iter().any(|row| row.workload == "W7") {
        Some(Server::start(&binary)?)
    } else {
        None
    };

    let load_before = load_average();
    let started = Instant::now();
    let size = if options.quick { "quick" } else { "full" };
    println!(
        "==> {} rows x up to 4 variants x {} repetitions ({size} sizes), interleaved",
        rows.len(),
        options.reps
    );
    let mut samples: BTreeMap<(usize, &str), Vec<Sample>> = BTreeMap::new();
    let mut checksums = BTreeMap::new();
    let mut failures = Vec::new();
    for rep in 0..options.reps {
        print!("  repetition {}/{}:", rep + 1, options.reps);
        io::stdout().flush()?;
        for (index, row) in rows.iter().enumerate() {
            let mut order: Vec<&str> = VARIANTS
                .iter()
                .copied()
                .filter(|v| (*v == "tokio" || *v == "ours") || (row.python && python.is_some()))
                .collect();
            if rep % 2 == 1 {
                order.reverse();
            }
            for variant in order {
                let program: Vec<&OsStr> = match (&python, variant) {
                    (Some((interpreter, _)), "asyncio" | "uvloop") => {
                        vec![interpreter.as_os_str(), script.as_os_str()]
                    }
                    _ => vec![binary.as_os_str(), OsStr::new("run")],
                };
                let port = (row.workload == "W7")
                    .then(|| server.as_ref().map(|s| s.port))
                    .flatten();
                match run_once(row, variant, options.quick, &program, port, &mut checksums) {
                    Ok(sample) => samples.entry((index, variant)).or_default().push(sample),
                    Err(why) => failures.push(format!(
                        "FAILED {} {variant} (repetition {}): {why}",
                        row.label(),
                        rep + 1
                    )),
                }
            }
            print!(" {}", row.label());
            io::stdout().flush()?;
        }
        println!();
    }
    drop(server);
    let elapsed = started.elapsed();

    println!();
    println!(
        "| workload | asyncio | uvloop | tokio | ours | asyncio÷ours | uvloop÷ours | ours÷tokio \
         | CPU s (asyncio/uvloop/tokio/ours) | peak MiB (asyncio/uvloop/tokio/ours) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut notes = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let column: Vec<Option<Summary>> = VARIANTS
            .iter()
            .map(|variant| summarize(samples.get(&(index, *variant)).map_or(&[], Vec::as_slice)))
            .collect();
        let cell = |summary: Option<Summary>| {
            summary.map_or_else(
                || "–".to_owned(),
                |s| format!("{} ±{:.0}%", show_time(s.wall), s.spread * 50.0),
            )
        };
        let resources = |pick: fn(Summary) -> String| {
            column
                .iter()
                .map(|s| s.map_or_else(|| "–".to_owned(), pick))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        let (cpu, memory) = if row.python {
            (
                resources(|s| format!("{:.2}", s.cpu)),
                resources(|s| format!("{:.0}", s.rss_mib)),
            )
        } else {
            ("–".to_owned(), "–".to_owned())
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {cpu} | {memory} |",
            row.label(),
            cell(column[0]),
            cell(column[1]),
            cell(column[2]),
            cell(column[3]),
            ratio(column[0], column[3]),
            ratio(column[1], column[3]),
            ratio(column[3], column[2]),
        );
        if column
            .iter()
            .any(|s| s.is_some_and(|s| s.per_task.is_some()))
        {
            notes.push(format!(
                "{}: resident bytes per parked task (asyncio/uvloop/tokio/ours): {}",
                row.label(),
                resources(|s| s.per_task.map_or_else(|| "–".to_owned(), |b| b.to_string()))
            ));
        }
    }
    println!();
    for note in notes {
        println!("{note}");
    }
    let versions = python
        .as_ref()
        .map_or_else(|| "no Python".to_owned(), |(_, versions)| versions.clone());
    println!(
        "Medians of {} repetitions ({size} sizes), ± half the range as a share of the median; \
         wall time of the whole process. {}; {} CPUs; load average {load_before} before, {} \
         after; {}; run took {}.",
        options.reps,
        today(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average(),
        versions,
        workspace::secs(elapsed),
    );
    for failure in &failures {
        println!("{failure}");
    }
    if !failures.is_empty() {
        println!("{} runs failed their witness or checksum", failures.len());
    }
    Ok(failures.is_empty())
}
