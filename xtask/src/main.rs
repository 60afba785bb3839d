//! `cargo xtask`: the workspace's task runner (std only, one file per subcommand).
//!
//! ```text
//! cargo xtask check-all          the one gate CI runs
//! cargo xtask examples [NAME...] run examples against their golden transcripts
//! cargo xtask bless [NAME...]    rewrite golden transcripts
//! cargo xtask docs [--check]     fill the docs' include blocks
//! cargo xtask readme [--check]   generate docs/concordance.md and the README's example table
//! cargo xtask coverage           every catalogue pattern in its four places
//! cargo xtask bench [TOPIC...]   run the benchmarks
//! ```

mod bench;
mod bless;
// The catalogue is a table: one entry per line reads better than rustfmt's layout.
#[rustfmt::skip]
mod catalogue;
mod check_all;
mod coverage;
mod diff;
mod docs;
mod examples;
mod readme;
mod workspace;

use std::process::ExitCode;

use workspace::UsageError;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  check-all          fmt, clippy, tests, rustdoc, docs sync, generated files, examples against
                     their golden transcripts, catalogue coverage; ends with `N passed, M failed`
  examples [NAME...] build the examples and compare each one's output with its golden transcript
  bless [NAME...]    rebuild the examples and rewrite their golden transcripts (all, or NAME...)
  docs [--check]     fill the code blocks after `<!-- include: PATH[:ANCHOR] -->` markers
                     (--check: change nothing, fail with a diff when one is stale)
  readme [--check]   generate docs/concordance.md and the README's example table
  coverage           check that every catalogue pattern has its module, example, docs and test
  bench [TOPIC...]   run `cargo bench` for every crate with benches/ (or the named ones)
  help               print this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    };
    let outcome = match command.as_str() {
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        "check-all" => check_all::run(rest),
        "examples" => examples::run(rest),
        "bless" => bless::run(rest),
        "docs" => docs::run(rest),
        "readme" => readme::run(rest),
        "coverage" => coverage::run(rest),
        "bench" => bench::run(rest),
        other => Err(UsageError(format!("unknown command `{other}`")).into()),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) if error.is::<UsageError>() => {
            eprintln!("error: {error}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    //! The real tree must be in sync, so a plain `cargo test` catches drift too.

    use super::*;

    #[test]
    fn docs_include_blocks_are_up_to_date() {
        let problems = docs::check_tree(&workspace::root()).expect("the docs can be read");
        assert!(
            problems.is_empty(),
            "run `cargo xtask docs`:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn generated_concordance_and_readme_table_are_up_to_date() {
        let problems = readme::check_tree(&workspace::root()).expect("README.md has its markers");
        assert!(
            problems.is_empty(),
            "run `cargo xtask readme`:\n{}",
            problems.join("\n")
        );
    }
}
