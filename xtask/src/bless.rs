//! `cargo xtask bless [NAME...]`: rebuild the examples and rewrite their golden transcripts.
//!
//! Run it after a deliberate change to an example, then read the diff of the `.txt` files: the
//! transcripts are what the docs show and what check-all compares against.

use crate::examples;
use crate::workspace::{self, Result, UsageError};

/// The subcommand.
///
/// # Errors
/// On bad arguments, an unknown example name, or a golden file that cannot be written.
pub(crate) fn run(args: &[String]) -> Result<bool> {
    if let Some(flag) = args.iter().find(|arg| arg.starts_with('-')) {
        return Err(UsageError(format!("bless takes example names, not `{flag}`")).into());
    }
    let root = workspace::root();
    let all = workspace::examples(&root)?;
    let chosen = examples::select(&all, args)?;
    if chosen.is_empty() {
        println!("no examples to bless");
        return Ok(true);
    }

    if !examples::build(&root, &examples::packages(&chosen))? {
        println!("the examples did not build; no transcript was changed");
        return Ok(false);
    }

    let target_dir = workspace::target_dir(&root);
    let (mut updated, mut unchanged, mut failed) = (0, 0, 0);
    for example in chosen {
        let golden_rel = workspace::rel(&root, &example.golden);
        let run = examples::run_one(
            &root,
            &examples::binary(&target_dir, &example.name),
            examples::TIME_LIMIT,
        )?;
        if let Some(failure) = run.failure() {
            println!(
                "{}: FAILED, {golden_rel} left as it was: {failure}",
                example.name
            );
            failed += 1;
            continue;
        }
        if std::fs::read(&example.golden).ok().as_deref() == Some(run.stdout.as_slice()) {
            unchanged += 1;
            continue;
        }
        std::fs::write(&example.golden, &run.stdout)
            .map_err(|error| format!("cannot write {golden_rel}: {error}"))?;
        println!("updated {golden_rel}");
        updated += 1;
    }
    println!("{updated} updated, {unchanged} unchanged, {failed} failed");
    Ok(failed == 0)
}
