//! `cargo xtask coverage`: every catalogue pattern of every existing crate in its four places.
//!
//! A crate directory that exists claims every catalogue row of its topic (ARCHITECTURE.md): the
//! module `src/NAME.rs`, the example `examples/NAME.rs` with its golden `examples/NAME.txt`, the
//! docs section `## TITLE` in `docs/TOPIC.md`, and the test `tests/NAME.rs`. A docs-only row needs
//! only the section. Topics without a crate yet are listed as pending and do not fail.

use std::collections::BTreeMap;
use std::path::Path;

use crate::catalogue::{self, Kind, PATTERNS, TOPICS};
use crate::workspace::{self, Result, Tally, UsageError};

/// The subcommand.
///
/// # Errors
/// On bad arguments or an unreadable tree.
pub(crate) fn run(args: &[String]) -> Result<bool> {
    if !args.is_empty() {
        return Err(UsageError(format!("coverage takes no arguments, got {args:?}")).into());
    }
    let mut tally = Tally::default();
    check(&workspace::root(), &mut tally)?;
    println!("{}", tally.summary());
    Ok(tally.ok())
}

/// One of the four places: its letter in the table, and the paths missing for it (`None` when the
/// pattern does not need the place).
#[derive(Debug)]
struct Place {
    letter: char,
    missing: Option<Vec<String>>,
}

impl Place {
    /// `M` when present, `-` when missing, `.` when not needed.
    fn mark(&self) -> char {
        match &self.missing {
            Some(missing) if missing.is_empty() => self.letter,
            Some(_) => '-',
            None => '.',
        }
    }
}

/// Prints the coverage tables and records one check per claimed pattern, plus one for unique
/// example names.
///
/// # Errors
/// When the tree cannot be read.
pub(crate) fn check(root: &Path, tally: &mut Tally) -> Result<()> {
    let crates = workspace::crates(root)?;
    let width = PATTERNS.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for topic in TOPICS {
        let Some(krate) = crates.iter().find(|c| c.dir == topic) else {
            println!("{topic}: pending (no crates/{topic}/Cargo.toml yet)");
            continue;
        };
        let page = root.join("docs").join(format!("{topic}.md"));
        // A missing page is simply a missing docs section for every pattern.
        let page_text = std::fs::read_to_string(&page).unwrap_or_default();
        let headings: Vec<&str> = page_text.lines().map(str::trim_end).collect();
        println!("{topic}:  {:width$}  M E D T", "pattern");
        for pattern in PATTERNS.iter().filter(|p| p.topic == topic) {
            let full = pattern.kind == Kind::Full;
            let name = pattern.name;
            let files = |paths: &[String]| -> Vec<String> {
                paths
                    .iter()
                    .filter(|path| !krate.path.join(path).is_file())
                    .cloned()
                    .collect()
            };
            let section = format!("## {}", pattern.title);
            let places = [
                Place {
                    letter: 'M',
                    missing: full.then(|| files(&[format!("src/{name}.rs")])),
                },
                Place {
                    letter: 'E',
                    missing: full.then(|| {
                        files(&[
                            format!("examples/{name}.rs"),
                            format!("examples/{name}.txt"),
                        ])
                    }),
                },
                Place {
                    letter: 'D',
                    missing: Some(if headings.contains(&section.as_str()) {
                        Vec::new()
                    } else {
                        vec![format!("`{section}` in docs/{topic}.md")]
                    }),
                },
                Place {
                    letter: 'T',
                    missing: full.then(|| files(&[format!("tests/{name}.rs")])),
                },
            ];
            let missing: Vec<String> = places
                .iter()
                .flat_map(|p| p.missing.iter().flatten().cloned())
                .collect();
            let marks: Vec<String> = places.iter().map(|p| p.mark().to_string()).collect();
            println!(
                "{}  {name:width$}  {}{}",
                " ".repeat(topic.len() + 1),
                marks.join(" "),
                if missing.is_empty() {
                    String::new()
                } else if full && !places.iter().any(|p| p.mark() == p.letter) {
                    "  not started".to_owned()
                } else {
                    format!("  missing: {}", missing.join(", "))
                }
            );
            tally.record(missing.is_empty());
        }
    }

    // Examples outside the catalogue are allowed (a second scenario for one pattern, say); they
    // are listed so nobody mistakes a typo for a pattern. Duplicated names break
    // `cargo run --example NAME`, so they fail.
    let examples = workspace::examples(root)?;
    let extra: Vec<String> = examples
        .iter()
        .filter(|e| catalogue::find(&e.name).is_none_or(|p| p.topic != e.krate.dir))
        .map(|e| format!("{}/{}", e.krate.dir, e.name))
        .collect();
    if !extra.is_empty() {
        println!(
            "examples not in their crate's catalogue: {}",
            extra.join(", ")
        );
    }
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for example in &examples {
        by_name
            .entry(&example.name)
            .or_default()
            .push(&example.krate.dir);
    }
    let duplicates: Vec<String> = by_name
        .iter()
        .filter(|(_, crates)| crates.len() > 1)
        .map(|(name, crates)| format!("{name} (in {})", crates.join(", ")))
        .collect();
    if duplicates.is_empty() {
        println!("example names are unique ({} examples)", examples.len());
    } else {
        println!("FAILED: duplicate example names: {}", duplicates.join("; "));
    }
    tally.record(duplicates.is_empty());
    Ok(())
}
