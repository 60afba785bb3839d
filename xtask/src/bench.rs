//! `cargo xtask bench [TOPIC...]`: run the crates' benchmarks in release mode.
//!
//! Every crate with a `benches/` folder (or the named crates) runs `cargo bench -p PACKAGE`,
//! its reports streaming through. Not part of check-all: benchmarks want a quiet machine and
//! release builds, and their figures are read, not asserted.

use crate::workspace::{self, Crate, Result, UsageError};

/// The subcommand.
///
/// # Errors
/// On bad arguments or an unknown crate name.
pub(crate) fn run(args: &[String]) -> Result<bool> {
    if let Some(flag) = args.iter().find(|arg| arg.starts_with('-')) {
        return Err(UsageError(format!("bench takes crate names, not `{flag}`")).into());
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
