//! `cargo xtask`: the workspace's task runner, one file per subcommand.
//!
//! [`COMMANDS`] is the one list of subcommands: it drives dispatch, the usage text
//! (`cargo xtask help`) and the command table in the README. Adding a subcommand is one row there
//! plus its module.

mod bench;
mod bless;
mod book;
// The catalogue is a table: one entry per line reads better than rustfmt's layout.
#[rustfmt::skip]
mod catalogue;
mod check_all;
mod coverage;
mod diff;
mod docs;
mod examples;
mod lint_async;
mod readme;
mod real_time;
mod workspace;

use std::process::ExitCode;

use workspace::{Result, UsageError};

/// One subcommand.
#[derive(Debug)]
pub(crate) struct Command {
    pub(crate) name: &'static str,
    /// Its arguments as the usage text shows them (empty when it takes none).
    pub(crate) args: &'static str,
    /// What it does, in one line (the usage text wraps it).
    pub(crate) summary: &'static str,
    pub(crate) run: fn(&[String]) -> Result<bool>,
}

impl Command {
    /// `name args`, as typed after `cargo xtask`.
    pub(crate) fn usage(&self) -> String {
        if self.args.is_empty() {
            self.name.to_owned()
        } else {
            format!("{} {}", self.name, self.args)
        }
    }
}

/// Every subcommand, in the order the usage text lists them.
pub(crate) const COMMANDS: &[Command] = &[
    Command {
        name: "check-all",
        args: "",
        summary: "the one gate CI runs: fmt, clippy, tests, rustdoc, docs sync, generated files, \
                  lint-async, book links (and the rendered book where mdbook is installed), examples against their golden transcripts on the paused clock, \
                  then on the real clock (one step), catalogue coverage; \
                  prints a step's output only when it fails, ends with `N passed, M failed`",
        run: check_all::run,
    },
    Command {
        name: "examples",
        args: "[--real-time] [NAME...]",
        summary: "build the examples and compare each one's output with its golden transcript; \
                  --real-time: run them on the real clock, one at a time, and check the same \
                  lines with stamps within 50 ms of the golden ones",
        run: examples::run,
    },
    Command {
        name: "bless",
        args: "[NAME...]",
        summary: "rebuild the examples and rewrite their golden transcripts (all, or NAME...)",
        run: bless::run,
    },
    Command {
        name: "docs",
        args: "[--check]",
        summary: "fill the code blocks after `<!-- include: PATH[:ANCHOR] -->` markers in docs/ \
                  (--check: change nothing, fail with a diff when one is stale)",
        run: docs::run,
    },
    Command {
        name: "readme",
        args: "[--check]",
        summary: "generate, from the catalogue, the README's tables, the reading order in \
                  docs/README.md, docs/concordance.md and docs/defects.md (--check: change \
                  nothing, fail with a diff when one is stale)",
        run: readme::run,
    },
    Command {
        name: "coverage",
        args: "",
        summary: "check that every catalogue pattern of every existing crate has its module, \
                  example, docs section and test",
        run: coverage::run,
    },
    Command {
        name: "lint-async",
        args: "[PATH...]",
        summary: "flag blocking calls (std::thread::sleep, std::fs, std::net, block_on, std \
                  channel recv, ...) inside async fns and async blocks of every .rs file under \
                  PATH (default: the workspace), with file:line, reason and fix; a call with a \
                  `lint-async: allow(REASON)` line comment on its line or the line above is \
                  listed as allowed",
        run: lint_async::run,
    },
    Command {
        name: "bench",
        args: "[TOPIC...] | --python [--quick]",
        summary: "run `cargo bench` for every crate with benches/ (or the named ones); with \
                  --python, the asyncio / uvloop / tokio / ours table of docs/performance.md \
                  (--quick: smaller sizes, 3 repetitions)",
        run: bench::run,
    },
    Command {
        name: "book",
        args: "[--check]",
        summary: "render docs/ as one book with mdBook into target/book (installing mdbook with \
                  cargo first if it is missing); --check: no rendering, check that every page is \
                  in docs/SUMMARY.md and every relative link and #anchor resolves",
        run: book::run,
    },
    Command {
        name: "help",
        args: "",
        summary: "print this text",
        run: help,
    },
];

/// The usage text, built from [`COMMANDS`].
fn usage() -> String {
    const WIDTH: usize = 96;
    let column = COMMANDS.iter().map(|c| c.usage().len()).max().unwrap_or(0) + 2;
    let mut out = String::from("usage: cargo xtask <command>\n\ncommands:\n");
    for command in COMMANDS {
        let mut line = format!("  {:column$}", command.usage());
        for word in command.summary.split_whitespace() {
            if line.len() + 1 + word.len() > WIDTH && line.trim_end().len() > column + 2 {
                out.push_str(line.trim_end());
                out.push('\n');
                line = " ".repeat(column + 2);
            } else if !line.ends_with(' ') {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn help(args: &[String]) -> Result<bool> {
    if !args.is_empty() {
        return Err(UsageError(format!("help takes no arguments, got {args:?}")).into());
    }
    print!("{}", usage());
    Ok(true)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (name, rest) = match args.split_first() {
        None => ("help", &[][..]),
        Some((flag, rest)) if flag == "-h" || flag == "--help" => ("help", rest),
        Some((name, rest)) => (name.as_str(), rest),
    };
    let outcome = match COMMANDS.iter().find(|command| command.name == name) {
        Some(command) => (command.run)(rest),
        None => Err(UsageError(format!("unknown command `{name}`")).into()),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) if error.is::<UsageError>() => {
            eprintln!("error: {error}\n\n{}", usage());
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
    fn generated_files_are_up_to_date() {
        let problems =
            readme::check_tree(&workspace::root()).expect("the generated files have their markers");
        assert!(
            problems.is_empty(),
            "run `cargo xtask readme`:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn usage_lists_every_command_once_and_wraps() {
        let text = usage();
        for command in COMMANDS {
            let line = format!("\n  {} ", command.usage());
            assert_eq!(text.matches(&line).count(), 1, "{}:\n{text}", command.name);
        }
        assert!(text.lines().all(|line| line.len() <= 96), "{text}");
        let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "a command is listed twice");
    }
}
