//! `cross-bench`: one workload per process, one JSON line on stdout.
//!
//! ```text
//! cross-bench run WORKLOAD tokio|ours [--flavor current_thread|multi_thread] KEY=VALUE...
//! cross-bench serve
//! ```
//!
//! `run` prints `{"workload":..,"variant":..,"flavor":..,"witness":..,"checksum":..,"cpu_s":..,
//! "peak_rss_kib":..}` (plus `expected_witness` and `per_task_bytes` where they apply). `serve`
//! starts the W7 HTTP server on `127.0.0.1:0`, prints `port N`, and serves until its stdin
//! closes. Normally started by `cargo xtask bench --python`.

use std::io::{Read, Write};
use std::process::ExitCode;

use cross_bench::{Error, Outcome, Params, Variant, WORKLOADS, measure};
use tokio::runtime::{Builder, Runtime};

const USAGE: &str = "usage: cross-bench run WORKLOAD tokio|ours [--flavor current_thread|multi_thread] KEY=VALUE...\n       cross-bench serve";

fn runtime(flavor: &str) -> Result<Runtime, Error> {
    let mut builder = match flavor {
        "current_thread" => Builder::new_current_thread(),
        // Two workers: the machine this is tuned for has two cores.
        "multi_thread" => {
            let mut builder = Builder::new_multi_thread();
            builder.worker_threads(2);
            builder
        }
        other => return Err(format!("unknown flavor `{other}`").into()),
    };
    Ok(builder.enable_all().build()?)
}

fn json(workload: &str, variant: Variant, flavor: &str, outcome: &Outcome) -> String {
    let mut line = format!(
        "{{\"workload\":\"{workload}\",\"variant\":\"{}\",\"flavor\":\"{flavor}\",\"witness\":{},\"checksum\":{}",
        variant.name(),
        outcome.witness,
        outcome.checksum
    );
    if let Some(expected) = outcome.expected_witness {
        line.push_str(&format!(",\"expected_witness\":{expected}"));
    }
    if let Some(bytes) = outcome.per_task_bytes {
        line.push_str(&format!(",\"per_task_bytes\":{bytes}"));
    }
    let cpu = measure::cpu_seconds().unwrap_or(-1.0);
    let rss = measure::status_kib("VmHWM:").unwrap_or(0);
    line.push_str(&format!(",\"cpu_s\":{cpu:.3},\"peak_rss_kib\":{rss}}}"));
    line
}

fn run(args: &[String]) -> Result<(), Error> {
    let [workload, variant, rest @ ..] = args else {
        return Err(USAGE.into());
    };
    if !WORKLOADS.contains(&workload.as_str()) {
        return Err(format!(
            "unknown workload `{workload}` (known: {})",
            WORKLOADS.join(", ")
        )
        .into());
    }
    let variant = Variant::parse(variant).ok_or("the variant is `tokio` or `ours`")?;
    let (flavor, pairs) = match rest {
        [flag, flavor, pairs @ ..] if flag == "--flavor" => (flavor.as_str(), pairs),
        pairs => ("current_thread", pairs),
    };
    let params = Params::parse(pairs.iter().map(String::as_str))?;
    let outcome = runtime(flavor)?.block_on(cross_bench::run(workload, variant, &params))?;
    println!("{}", json(workload, variant, flavor, &outcome));
    Ok(())
}

fn serve() -> Result<(), Error> {
    // One thread: the client runs beside it on the other core.
    let runtime = runtime("current_thread")?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind(("127.0.0.1", 0)))?;
    println!("port {}", listener.local_addr()?.port());
    std::io::stdout().flush()?;
    // The driver holds our stdin: when it closes (the driver is done, or died), stop.
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    runtime.block_on(cross_bench::net::serve(listener))?;
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.split_first() {
        Some((command, rest)) if command == "run" => run(rest),
        Some((command, [])) if command == "serve" => serve(),
        _ => Err(USAGE.into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cross-bench: {error}");
            ExitCode::FAILURE
        }
    }
}
