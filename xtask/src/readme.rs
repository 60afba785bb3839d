//! `cargo xtask readme [--check]`: the generated concordance and the README's example table.
//!
//! - `docs/concordance.md` is the catalogue as a reading table: per topic, asyncio idiom, tokio
//!   rendering and a link to the pattern's docs section.
//! - In `README.md`, the lines between `<!-- examples:start -->` and `<!-- examples:end -->` are
//!   a table of every example on disk; the rest of the README is written by hand.
//!
//! Both are generated, so they cannot drift from the catalogue and the tree: `--check` (part of
//! check-all, and a unit test) fails with a diff when either is stale.

use std::path::Path;

use crate::catalogue::{self, PATTERNS, Pattern, TOPICS};
use crate::diff;
use crate::workspace::{self, Example, Result};

/// The README line that opens the generated region.
const START: &str = "<!-- examples:start -->";
/// The README line that closes it.
const END: &str = "<!-- examples:end -->";
const UP_TO_DATE: &str = "docs/concordance.md and the README's example table are up to date";

/// The subcommand.
///
/// # Errors
/// On bad arguments, unreadable files, or a README without its markers.
pub(crate) fn run(args: &[String]) -> Result<bool> {
    let check = workspace::check_flag("readme", args)?;
    let root = workspace::root();
    if check {
        return Ok(workspace::print_problems(&check_tree(&root)?, UP_TO_DATE));
    }
    let written = update_tree(&root)?;
    for file in &written {
        println!("updated {file}");
    }
    if written.is_empty() {
        println!("{UP_TO_DATE}");
    }
    Ok(true)
}

/// The generated files, each as (root-relative path, current text or None, wanted text).
fn generated(root: &Path) -> Result<Vec<(&'static str, Option<String>, String)>> {
    let concordance_path = root.join("docs/concordance.md");
    let concordance_now = std::fs::read_to_string(&concordance_path).ok();

    let readme_path = root.join("README.md");
    if !readme_path.is_file() {
        return Err(format!(
            "README.md is missing: it must hold the lines `{START}` and `{END}` around the generated example table"
        )
        .into());
    }
    let readme_now = workspace::read(&readme_path)?;
    let examples = workspace::examples(root)?;
    let readme_wanted = splice(&readme_now, &examples_table(&examples))
        .map_err(|message| format!("README.md: {message}"))?;

    Ok(vec![
        ("docs/concordance.md", concordance_now, concordance()),
        ("README.md", Some(readme_now), readme_wanted),
    ])
}

/// Every stale generated file, with its diff, ready to print. Changes nothing.
///
/// # Errors
/// When the README or its markers are missing, or a file cannot be read.
pub(crate) fn check_tree(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (path, now, wanted) in generated(root)? {
        match now {
            None => problems.push(format!("{path} is missing (run `cargo xtask readme`)")),
            Some(now) if now != wanted => problems.push(format!(
                "{path} is stale (run `cargo xtask readme`)\n{}",
                workspace::indent(&diff::render(&now, &wanted), "    ")
            )),
            Some(_) => {}
        }
    }
    Ok(problems)
}

/// Rewrites the generated files that are stale; returns their paths.
///
/// # Errors
/// When the README or its markers are missing, or a file cannot be read or written.
pub(crate) fn update_tree(root: &Path) -> Result<Vec<String>> {
    let mut written = Vec::new();
    for (path, now, wanted) in generated(root)? {
        if now.as_deref() != Some(wanted.as_str()) {
            workspace::write(&root.join(path), &wanted)?;
            written.push(path.to_owned());
        }
    }
    Ok(written)
}

/// Replaces the lines between the README's markers with `region`.
///
/// # Errors
/// When a marker is missing, repeated, or the end comes first.
pub(crate) fn splice(readme: &str, region: &str) -> Result<String, String> {
    let lines: Vec<&str> = readme.lines().collect();
    let find = |marker: &str| -> Result<usize, String> {
        let mut hits = lines
            .iter()
            .enumerate()
            .filter(|(_, line)| line.trim() == marker);
        match (hits.next(), hits.next()) {
            (Some((index, _)), None) => Ok(index),
            (None, _) => Err(format!(
                "no `{marker}` line (the generated example table goes between `{START}` and `{END}`)"
            )),
            (Some(_), Some(_)) => Err(format!("`{marker}` appears more than once")),
        }
    };
    let (start, end) = (find(START)?, find(END)?);
    if end < start {
        return Err(format!("`{END}` comes before `{START}`"));
    }
    let mut out = String::new();
    for line in &lines[..=start] {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(region);
    for line in &lines[end..] {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// GitHub's heading anchor: lowercase; keep alphanumerics, `-`, `_` and spaces; drop the rest;
/// spaces become `-`.
pub(crate) fn slug(title: &str) -> String {
    title
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// A heading for a topic's part of the concordance.
fn topic_heading(topic: &str) -> String {
    match topic {
        "basics" => "Basics".to_owned(),
        "concurrency-control" => "Concurrency control".to_owned(),
        "errors-timeouts" => "Errors and timeouts".to_owned(),
        "streams" => "Streams".to_owned(),
        "producer-consumer" => "Producer and consumer".to_owned(),
        other => {
            let words = other.replace('-', " ");
            let mut chars = words.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// A table cell: a `|` would end the cell early.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// `docs/concordance.md`.
pub(crate) fn concordance() -> String {
    let mut out = String::from(
        "# Concordance\n\n\
         <!-- Generated by `cargo xtask readme` from xtask/src/catalogue.rs: do not edit by hand. -->\n\n\
         Every asyncio idiom the workspace covers, beside its tokio rendering and the docs section\n\
         that shows both. Topics come in reading order, patterns in the order of their page. A\n\
         pattern's one name is its module, its example and its test file (`crates/TOPIC/src/NAME.rs`,\n\
         `cargo run --example NAME`, `crates/TOPIC/tests/NAME.rs`).\n",
    );
    for topic in TOPICS {
        out.push_str(&format!(
            "\n## {}\n\nPage: [{topic}.md]({topic}.md), crate: `crates/{topic}`.\n\n",
            topic_heading(topic)
        ));
        out.push_str("| asyncio | tokio | pattern |\n|---|---|---|\n");
        for pattern in PATTERNS.iter().filter(|p| p.topic == topic) {
            out.push_str(&format!(
                "| {} | {} | [{}]({}.md#{}) |\n",
                cell(pattern.python),
                cell(pattern.rust),
                cell(pattern.title),
                topic,
                slug(pattern.title)
            ));
        }
    }
    out
}

/// The README region: a table of every example on disk.
pub(crate) fn examples_table(examples: &[Example]) -> String {
    // Catalogue order where the catalogue knows the example, then the others by crate and name.
    let position = |example: &Example| {
        let topic = TOPICS
            .iter()
            .position(|t| *t == example.krate.dir)
            .unwrap_or(TOPICS.len());
        let row = catalogue::find(&example.name)
            .filter(|p| p.topic == example.krate.dir)
            .and_then(|p| PATTERNS.iter().position(|q| q.name == p.name))
            .unwrap_or(usize::MAX);
        (topic, example.krate.dir.clone(), row, example.name.clone())
    };
    let mut sorted: Vec<&Example> = examples.iter().collect();
    sorted.sort_by_key(|example| position(example));

    let mut out = String::from(
        "\n<!-- Generated by `cargo xtask readme`: do not edit between the markers. -->\n\n\
         | example | crate | pattern | asyncio idiom | docs |\n|---|---|---|---|---|\n",
    );
    for example in sorted {
        let pattern: Option<&Pattern> =
            catalogue::find(&example.name).filter(|p| p.topic == example.krate.dir);
        let (title, python, docs) = match pattern {
            Some(p) => {
                let link = format!("docs/{}.md#{}", p.topic, slug(p.title));
                (cell(p.title), cell(p.python), format!("[{link}]({link})"))
            }
            None => ("-".to_owned(), "-".to_owned(), "-".to_owned()),
        };
        out.push_str(&format!(
            "| `{}` | {} | {title} | {python} | {docs} |\n",
            example.name, example.krate.package
        ));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_matches_github() {
        assert_eq!(slug("Gather"), "gather");
        assert_eq!(slug("Hello: the entry point"), "hello-the-entry-point");
        assert_eq!(slug("Read/write lock"), "readwrite-lock");
        assert_eq!(slug("Fail fast vs settle all"), "fail-fast-vs-settle-all");
        assert_eq!(slug("Micro-batching"), "micro-batching");
        assert_eq!(slug("`join!` and snake_case (2)"), "join-and-snake_case-2");
        assert_eq!(slug("Café  Ü"), "café--ü");
    }

    #[test]
    fn splice_replaces_only_the_region() {
        let readme =
            "# R\n\nintro\n<!-- examples:start -->\nold\ntable\n<!-- examples:end -->\n\nafter\n";
        assert_eq!(
            splice(readme, "\nnew\n\n").unwrap(),
            "# R\n\nintro\n<!-- examples:start -->\n\nnew\n\n<!-- examples:end -->\n\nafter\n"
        );
    }

    #[test]
    fn splice_needs_both_markers_once_and_in_order() {
        assert!(
            splice("# R\n", "x")
                .unwrap_err()
                .contains("no `<!-- examples:start -->` line")
        );
        assert!(
            splice("<!-- examples:start -->\n", "x")
                .unwrap_err()
                .contains("no `<!-- examples:end -->`")
        );
        let backwards = "<!-- examples:end -->\n<!-- examples:start -->\n";
        assert!(splice(backwards, "x").unwrap_err().contains("comes before"));
        let twice = "<!-- examples:start -->\n<!-- examples:start -->\n<!-- examples:end -->\n";
        assert!(splice(twice, "x").unwrap_err().contains("more than once"));
    }

    #[test]
    fn concordance_links_every_pattern_to_its_section() {
        let text = concordance();
        for pattern in PATTERNS {
            let link = format!("({}.md#{})", pattern.topic, slug(pattern.title));
            assert!(text.contains(&link), "{link} missing");
        }
        assert!(text.contains("| `asyncio.gather(*tasks)` | `join!`, `join_all`, `JoinSet` | [Gather](basics.md#gather) |"));
    }

    #[test]
    fn topic_headings_read_as_words() {
        assert_eq!(topic_heading("errors-timeouts"), "Errors and timeouts");
        assert_eq!(topic_heading("new-topic"), "New topic");
    }
}
