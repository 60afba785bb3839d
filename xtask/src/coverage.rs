//! `cargo xtask coverage`: every catalogue pattern of every existing crate in its four places.
//!
//! A crate directory that exists claims every catalogue row of its topic (ARCHITECTURE.md): the
//! module `src/NAME.rs`, the example `examples/NAME.rs` with its golden `examples/NAME.txt`, the
//! docs section `## TITLE` in `docs/TOPIC.md`, and the test `tests/NAME.rs`. A docs-only row needs
//! only the section. The page itself starts with the topic's `# TITLE`. Topics without a crate yet
//! are listed as pending and do not fail. Every "defect N" cited in `crates/` and `docs/` must be a
//! ★ defect of the catalogue, and of the pattern whose file or section cites it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::catalogue::{self, Kind, PATTERNS, TOPICS};
use crate::workspace::{self, Result, Tally, UsageError};

/// What the letters of the grid mean.
const LEGEND: &str = "\
legend: M module src/NAME.rs, E example examples/NAME.rs with its golden NAME.txt,
        D docs section `## TITLE` in docs/TOPIC.md, T test tests/NAME.rs;
        a letter: present, `-`: missing, `.`: not needed (a docs-only entry)";

/// The subcommand.
///
/// # Errors
/// On bad arguments or an unreadable tree.
pub(crate) fn run(args: &[String]) -> Result<bool> {
    if !args.is_empty() {
        return Err(UsageError(format!("coverage takes no arguments, got {args:?}")).into());
    }
    let mut tally = Tally::default();
    check(&workspace::root(), &mut tally, true)?;
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

/// Prints the coverage (with `verbose`, the whole grid and its legend; otherwise one line per
/// topic and the rows that fail) and records one check per claimed pattern, one per existing
/// topic's page title, one for unique example names and one for the defect references.
///
/// # Errors
/// When the tree cannot be read.
pub(crate) fn check(root: &Path, tally: &mut Tally, verbose: bool) -> Result<()> {
    let crates = workspace::crates(root)?;
    let width = PATTERNS.iter().map(|p| p.name.len()).max().unwrap_or(0);
    if verbose {
        println!("{LEGEND}");
    }
    let mut legend_shown = verbose;
    for topic in TOPICS {
        let name = topic.name;
        let Some(krate) = crates.iter().find(|c| c.dir == name) else {
            println!(
                "{name}: pending (no {}/Cargo.toml yet)",
                workspace::topic_folder(name)
            );
            continue;
        };
        let page = root.join("docs").join(format!("{name}.md"));
        // A missing page is simply a missing docs section for every pattern.
        let page_text = std::fs::read_to_string(&page).unwrap_or_default();
        let headings: Vec<&str> = page_text.lines().map(str::trim_end).collect();
        let title = format!("# {}", topic.title);
        let title_ok = headings.first() == Some(&title.as_str());
        tally.record(title_ok);
        let header = format!("{name}:  {:width$}  M E D T", "pattern");
        if verbose {
            println!("{header}");
        }
        let (mut rows, mut complete) = (0, 0);
        if !title_ok && !page.is_file() {
            println!("{name}: FAILED: docs/{name}.md is missing");
        } else if !title_ok {
            println!(
                "{name}: FAILED: docs/{name}.md must start with `{title}` (the catalogue's title)"
            );
        }
        for pattern in catalogue::patterns_of(name) {
            let full = pattern.kind == Kind::Full;
            let pattern_name = pattern.name;
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
                    missing: full.then(|| files(&[format!("src/{pattern_name}.rs")])),
                },
                Place {
                    letter: 'E',
                    missing: full.then(|| {
                        files(&[
                            format!("examples/{pattern_name}.rs"),
                            format!("examples/{pattern_name}.txt"),
                        ])
                    }),
                },
                Place {
                    letter: 'D',
                    missing: Some(if headings.contains(&section.as_str()) {
                        Vec::new()
                    } else {
                        vec![format!("`{section}` in docs/{name}.md")]
                    }),
                },
                Place {
                    letter: 'T',
                    missing: full.then(|| files(&[format!("tests/{pattern_name}.rs")])),
                },
            ];
            let missing: Vec<String> = places
                .iter()
                .flat_map(|p| p.missing.iter().flatten().cloned())
                .collect();
            let marks: Vec<String> = places.iter().map(|p| p.mark().to_string()).collect();
            rows += 1;
            if missing.is_empty() {
                complete += 1;
            }
            if !verbose && !missing.is_empty() && rows - complete == 1 {
                // The first failing row of a quiet run: the grid's header and legend.
                println!("{header}");
                if !legend_shown {
                    println!("{LEGEND}");
                    legend_shown = true;
                }
            }
            if verbose || !missing.is_empty() {
                println!(
                    "{}  {pattern_name:width$}  {}{}",
                    " ".repeat(name.len() + 1),
                    marks.join(" "),
                    if missing.is_empty() {
                        String::new()
                    } else if full && !places.iter().any(|p| p.mark() == p.letter) {
                        "  not started".to_owned()
                    } else {
                        format!("  missing: {}", missing.join(", "))
                    }
                );
            }
            tally.record(missing.is_empty());
        }
        if !verbose {
            println!("{name}: {complete} of {rows} patterns in their four places");
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

    let shape = section_shapes(root)?;
    if shape.problems.is_empty() {
        println!(
            "page shape: {} pattern sections teach first and have In production; no module doc repeats the page",
            shape.count
        );
    } else {
        println!(
            "FAILED: page shape (ARCHITECTURE.md, \"Docs never drift\"):\n{}",
            workspace::indent(&shape.problems.join("\n"), "  ")
        );
    }
    tally.record(shape.problems.is_empty());

    let bad = defect_references(root)?;
    if bad.problems.is_empty() {
        println!(
            "★ defect references: {} in crates/ and docs/, each a catalogue defect of its pattern",
            bad.count
        );
    } else {
        println!(
            "FAILED: ★ defect references (docs/defects.md lists them):\n{}",
            workspace::indent(&bad.problems.join("\n"), "  ")
        );
    }
    tally.record(bad.problems.is_empty());
    Ok(())
}

/// The narrative's headings a module doc must not repeat: the page is their one home.
const PAGE_ONLY_HEADINGS: [&str; 4] =
    ["# Python", "# Differences", "# Pitfalls", "# In production"];

/// Checks every pattern section of every page whose crate exists: it has **In production**, and a
/// full pattern's **Run it** (the transcript) comes before its **Python**; the pattern's module
/// doc (`//!`) has none of the page's narrative headings.
fn section_shapes(root: &Path) -> Result<References> {
    let crates = workspace::crates(root)?;
    let mut found = References::default();
    for topic in TOPICS {
        let Some(krate) = crates.iter().find(|c| c.dir == topic.name) else {
            continue;
        };
        let page = format!("docs/{}.md", topic.name);
        let text = std::fs::read_to_string(root.join(&page)).unwrap_or_default();
        for pattern in catalogue::patterns_of(topic.name) {
            found.count += 1;
            let heading = format!("## {}", pattern.title);
            let Some(section) = section_text(&text, &heading) else {
                continue; // a missing section is coverage's `D`
            };
            let position = |label: &str| section.find(&format!("**{label}**"));
            if position("In production").is_none() {
                found
                    .problems
                    .push(format!("{page}, `{heading}`: no **In production**"));
            }
            if pattern.kind == Kind::Full {
                match (position("Run it"), position("Python")) {
                    (Some(run), Some(python)) if run < python => {}
                    (None, _) => found
                        .problems
                        .push(format!("{page}, `{heading}`: no **Run it**")),
                    _ => found.problems.push(format!(
                        "{page}, `{heading}`: **Run it** (the transcript) must come before **Python**"
                    )),
                }
                let module = krate.path.join("src").join(format!("{}.rs", pattern.name));
                let source = std::fs::read_to_string(&module).unwrap_or_default();
                for line in source
                    .lines()
                    .take_while(|line| line.starts_with("//!") || line.is_empty())
                {
                    let doc = line.trim_start_matches("//!").trim();
                    if PAGE_ONLY_HEADINGS.contains(&doc) {
                        found.problems.push(format!(
                            "crates/{}/src/{}.rs: `//! {doc}` repeats the page; link to `{page}` instead",
                            topic.name, pattern.name
                        ));
                    }
                }
            }
        }
    }
    Ok(found)
}

/// The text of the section under `heading` (up to the next `## ` heading), outside code fences.
fn section_text(page: &str, heading: &str) -> Option<String> {
    let mut lines = page.lines().skip_while(|line| line.trim_end() != heading);
    lines.next()?;
    let mut in_fence = false;
    let mut out = String::new();
    for line in lines {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if !in_fence && line.starts_with("## ") {
            break;
        }
        if !in_fence {
            out.push_str(line);
            out.push('\n');
        }
    }
    Some(out)
}

/// What [`defect_references`] found.
#[derive(Debug, Default)]
struct References {
    /// How many "defect N" were found.
    count: usize,
    /// The ones that name no defect, or a defect their pattern does not have.
    problems: Vec<String>,
}

/// Every "defect N" (any case) in the `.rs` files under `crates/` and the pages under `docs/`.
/// In `crates/TOPIC/{src,tests,examples}/NAME.rs`, N must be the ★ of pattern NAME; in
/// `docs/TOPIC.md`, of the pattern whose section it is in; elsewhere it must exist.
fn defect_references(root: &Path) -> Result<References> {
    let mut files: Vec<PathBuf> = Vec::new();
    for krate in workspace::crates(root)? {
        for dir in ["src", "tests", "examples", "benches"] {
            collect_rs(&krate.path.join(dir), &mut files)?;
        }
    }
    let docs = root.join("docs");
    if docs.is_dir() {
        for entry in std::fs::read_dir(&docs)? {
            let path = entry?.path();
            let generated = ["defects.md", "concordance.md"]
                .iter()
                .any(|name| path.ends_with(name));
            if path.extension().is_some_and(|ext| ext == "md") && !generated {
                files.push(path);
            }
        }
    }
    files.sort();

    let mut found = References::default();
    for path in files {
        let text = workspace::read(&path)?;
        let rel = workspace::rel(root, &path);
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is_page = rel.starts_with("docs/");
        // The pattern a Rust file is named after (examples and tests share the module's name).
        let file_pattern = if is_page {
            None
        } else {
            catalogue::find(&stem).filter(|p| rel.starts_with(&format!("crates/{}/", p.topic)))
        };
        let mut section_pattern = None;
        for (index, line) in text.lines().enumerate() {
            if is_page && let Some(title) = line.strip_prefix("## ") {
                section_pattern = PATTERNS
                    .iter()
                    .find(|p| p.topic == stem && p.title == title.trim_end());
            }
            for number in numbers_after_defect(line) {
                found.count += 1;
                let at = format!("{rel}:{}", index + 1);
                let owner = if is_page {
                    section_pattern
                } else {
                    file_pattern
                };
                let cited = u8::try_from(number).ok();
                match (cited.and_then(catalogue::defect), owner) {
                    (None, _) => found
                        .problems
                        .push(format!("{at}: there is no defect {number}")),
                    (Some(_), Some(pattern)) if pattern.defect != cited => {
                        found.problems.push(format!(
                            "{at}: defect {number} is not the ★ of `{}` (the catalogue says {})",
                            pattern.name,
                            pattern
                                .defect
                                .map_or_else(|| "none".to_owned(), |n| format!("defect {n}"))
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(found)
}

/// The `.rs` files under `dir`, recursively (nothing when it does not exist).
fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_rs(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The numbers written right after the word "defect" (any case) in a line: "★ defect 9" and
/// "(defect 7)" give 9 and 7; "defects of" gives nothing.
fn numbers_after_defect(line: &str) -> Vec<u32> {
    let lower = line.to_lowercase();
    lower
        .match_indices("defect ")
        .filter_map(|(at, word)| {
            let digits: String = lower[at + word.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defect_numbers_are_read_after_the_word() {
        assert_eq!(numbers_after_defect("(★ defect 9: no sentinels)"), [9]);
        assert_eq!(numbers_after_defect("Defect 10 and defect 2."), [10, 2]);
        assert!(numbers_after_defect("the defects of the common rendition").is_empty());
        assert!(numbers_after_defect("the ★ defect of the rendition").is_empty());
    }

    #[test]
    fn topics_without_a_crate_are_pending_and_do_not_fail() {
        let root = std::env::temp_dir().join(format!("xtask-coverage-{}", std::process::id()));
        let helpers = root.join("crates/helpers");
        std::fs::create_dir_all(helpers.join("src")).unwrap();
        std::fs::write(
            helpers.join("Cargo.toml"),
            "[package]\nname = \"helpers\"\n",
        )
        .unwrap();
        std::fs::write(helpers.join("src/lib.rs"), "//! cites defect 5\n").unwrap();
        let mut tally = Tally::default();
        check(&root, &mut tally, false).unwrap();
        // Unique example names and defect references only: no topic's crate exists.
        assert_eq!((tally.passed, tally.failed), (3, 0));

        std::fs::write(helpers.join("src/lib.rs"), "//! cites defect 11\n").unwrap();
        let found = defect_references(&root).unwrap();
        assert_eq!(
            found.problems,
            ["crates/helpers/src/lib.rs:1: there is no defect 11"]
        );

        // In a pattern's file, the defect must be that pattern's.
        std::fs::write(helpers.join("src/lib.rs"), "//! cites defect 5\n").unwrap();
        let basics = root.join("crates/basics");
        std::fs::create_dir_all(basics.join("tests")).unwrap();
        std::fs::write(basics.join("Cargo.toml"), "[package]\nname = \"basics\"\n").unwrap();
        std::fs::write(
            basics.join("tests/race.rs"),
            "//! ★ defect 3\n//! not defect 5\n",
        )
        .unwrap();
        let found = defect_references(&root).unwrap();
        assert_eq!(found.count, 3);
        assert_eq!(
            found.problems,
            [
                "crates/basics/tests/race.rs:2: defect 5 is not the ★ of `race` (the catalogue says defect 3)"
            ]
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_tree_cites_only_catalogue_defects_of_the_right_pattern() {
        let found = defect_references(&workspace::root()).expect("the tree can be read");
        assert!(found.count > 0, "the crates cite ★ defects");
        assert!(found.problems.is_empty(), "{}", found.problems.join("\n"));
    }

    #[test]
    fn a_section_is_read_up_to_the_next_heading_and_skips_code() {
        let page = "# T\n## A\n**Run it**\n```text\n## not a heading\n```\n**Python**\n## B\nb\n";
        let a = section_text(page, "## A").unwrap();
        assert!(a.contains("**Run it**") && a.contains("**Python**"));
        assert!(!a.contains("not a heading"));
        assert_eq!(section_text(page, "## B").unwrap(), "b\n");
        assert!(section_text(page, "## C").is_none());
    }
}
