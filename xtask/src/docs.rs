//! `cargo xtask docs [--check]`: fill the fenced blocks that follow include markers.
//!
//! In `docs/*.md` and `README.md`, a line `<!-- include: PATH -->` or
//! `<!-- include: PATH:ANCHOR -->` must be followed at once (no blank line) by a fenced block. Its
//! body becomes the whole file at PATH (relative to the root), or the lines between
//! `// ANCHOR: ANCHOR` and `// ANCHOR_END: ANCHOR` in it, with the lines of other anchors dropped
//! and the common indentation removed (mdBook's syntax, so mdBook stays an option). Rustdoc
//! comments (`///`, `//!`) are left out of a cut: the page tells the lesson, and the API docs
//! (with their hidden doctest lines) stay in rustdoc.
//!
//! Code shown in the docs is thereby always cut from files that compile and run; `--check`
//! (part of check-all, and a unit test) fails when a block no longer matches its source.

use std::path::Path;

use crate::diff;
use crate::workspace::{self, Result};

/// The subcommand.
///
/// # Errors
/// On bad arguments or unreadable docs; stale blocks and broken markers are reported, not errors.
pub(crate) fn run(args: &[String]) -> Result<bool> {
    let check = workspace::check_flag("docs", args)?;
    let root = workspace::root();
    if check {
        return Ok(workspace::print_problems(
            &check_tree(&root)?,
            "docs are up to date",
        ));
    }
    let outcome = update_tree(&root)?;
    for file in &outcome.written {
        println!("updated {file}");
    }
    for error in &outcome.errors {
        println!("{error}");
    }
    if outcome.written.is_empty() && outcome.errors.is_empty() {
        println!("docs are up to date");
    }
    Ok(outcome.errors.is_empty())
}

/// Every stale block (with its diff) and every broken marker in the tree, ready to print. Empty
/// when the docs are in sync. Changes nothing.
///
/// # Errors
/// When a doc cannot be read.
pub(crate) fn check_tree(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for doc in docs(root)? {
        let doc_rel = workspace::rel(root, &doc);
        let text = workspace::read(&doc)?;
        let outcome = process(&doc_rel, &text, &mut |path| load(root, path));
        // Empty blocks are fresh markers: one line per doc says so, where whole bodies shown as
        // diffs would only be noise.
        let (unfilled, changed): (Vec<&Stale>, Vec<&Stale>) =
            outcome.stale.iter().partition(|stale| stale.old.is_empty());
        if !unfilled.is_empty() {
            let lines: Vec<String> = unfilled
                .iter()
                .map(|stale| stale.line.to_string())
                .collect();
            problems.push(format!(
                "{doc_rel}: {} include blocks not filled yet, at lines {} (run `cargo xtask docs`)",
                unfilled.len(),
                lines.join(", ")
            ));
        }
        for stale in changed {
            problems.push(format!(
                "{doc_rel}:{} include {} is stale (run `cargo xtask docs`)\n{}",
                stale.line,
                stale.spec,
                workspace::indent(&diff::render(&stale.old, &stale.new), "    ")
            ));
        }
        problems.extend(outcome.errors);
    }
    Ok(problems)
}

/// What [`update_tree`] did.
#[derive(Debug, Default)]
pub(crate) struct Update {
    /// The docs rewritten, relative to the root.
    pub(crate) written: Vec<String>,
    /// Broken markers (their blocks were left as they were).
    pub(crate) errors: Vec<String>,
}

/// Rewrites every doc whose include blocks are stale.
///
/// # Errors
/// When a doc cannot be read or written.
pub(crate) fn update_tree(root: &Path) -> Result<Update> {
    let mut update = Update::default();
    for doc in docs(root)? {
        let doc_rel = workspace::rel(root, &doc);
        let text = workspace::read(&doc)?;
        let outcome = process(&doc_rel, &text, &mut |path| load(root, path));
        if outcome.text != text {
            workspace::write(&doc, &outcome.text)?;
            update.written.push(doc_rel);
        }
        update.errors.extend(outcome.errors);
    }
    Ok(update)
}

/// `docs/*.md` (sorted) and `README.md`, those that exist.
fn docs(root: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut found = Vec::new();
    let dir = root.join("docs");
    if dir.is_dir() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_file() && path.extension().is_some_and(|ext| ext == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    let readme = root.join("README.md");
    if readme.is_file() {
        found.push(readme);
    }
    Ok(found)
}

/// Reads an included file relative to the root.
fn load(root: &Path, path: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(path)).map_err(|error| format!("cannot read {path}: {error}"))
}

/// One include block whose body differs from its source.
#[derive(Debug)]
pub(crate) struct Stale {
    /// The 1-based line of the marker.
    pub(crate) line: usize,
    /// `PATH` or `PATH:ANCHOR`, as written in the marker.
    pub(crate) spec: String,
    /// The body in the doc.
    pub(crate) old: String,
    /// The body it should have.
    pub(crate) new: String,
}

/// The result of processing one doc.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The doc with every include block filled.
    pub(crate) text: String,
    /// The blocks that changed.
    pub(crate) stale: Vec<Stale>,
    /// Broken markers, `doc:line: message`; their blocks are left untouched.
    pub(crate) errors: Vec<String>,
}

/// Fills every include block of one doc. `load` reads a file by its root-relative path.
pub(crate) fn process(
    doc: &str,
    text: &str,
    load: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Outcome {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut stale = Vec::new();
    let mut errors = Vec::new();
    // The fence of an ordinary code block we are inside, if any: markers shown in a code block
    // (say, a README explaining the syntax) are text, not markers.
    let mut open_fence: Option<Fence> = None;
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        if let Some(fence) = open_fence {
            if fence.is_closed_by(line) {
                open_fence = None;
            }
            out.push(line.to_owned());
            index += 1;
            continue;
        }
        if let Some(fence) = Fence::opened_by(line) {
            open_fence = Some(fence);
            out.push(line.to_owned());
            index += 1;
            continue;
        }
        let Some(spec) = marker(line) else {
            out.push(line.to_owned());
            index += 1;
            continue;
        };
        let line_no = index + 1;
        let fail = |message: String| format!("{doc}:{line_no}: include {spec}: {message}");
        out.push(line.to_owned());
        index += 1;

        let Some(fence) = lines.get(index).and_then(|next| Fence::opened_by(next)) else {
            errors.push(fail(
                "the marker must be followed directly by a ``` fenced block (no blank line)".into(),
            ));
            continue;
        };
        let Some(close) = (index + 1..lines.len()).find(|&i| fence.is_closed_by(lines[i])) else {
            errors.push(fail("its fenced block is never closed".into()));
            continue;
        };
        let old_body: String = lines[index + 1..close]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        let block = &lines[index..=close];
        index = close + 1;

        match included(spec, load).and_then(|body| fence.check_body(&body).map(|()| body)) {
            Ok(new_body) => {
                out.push(block[0].to_owned());
                out.extend(new_body.lines().map(str::to_owned));
                out.push(block[block.len() - 1].to_owned());
                if new_body != old_body {
                    stale.push(Stale {
                        line: line_no,
                        spec: spec.to_owned(),
                        old: old_body,
                        new: new_body,
                    });
                }
            }
            Err(message) => {
                errors.push(fail(message));
                out.extend(block.iter().map(|l| (*l).to_owned()));
            }
        }
    }
    let mut text_out = out.join("\n");
    if text.ends_with('\n') {
        text_out.push('\n');
    }
    Outcome {
        text: text_out,
        stale,
        errors,
    }
}

/// The `PATH` or `PATH:ANCHOR` of an include marker line.
fn marker(line: &str) -> Option<&str> {
    let spec = line
        .trim()
        .strip_prefix("<!--")?
        .trim_start()
        .strip_prefix("include:")?;
    Some(spec.strip_suffix("-->")?.trim())
}

/// The body an include spec stands for, ending with a newline unless empty.
fn included(
    spec: &str,
    load: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<String, String> {
    if spec.is_empty() {
        return Err("the marker names no file".into());
    }
    let (path, anchor) = match spec.rsplit_once(':') {
        Some((path, anchor)) => (path.trim(), Some(anchor.trim())),
        None => (spec, None),
    };
    let text = load(path)?;
    let mut body = match anchor {
        Some(anchor) => cut(&text, anchor).map_err(|message| format!("{path}: {message}"))?,
        None => text,
    };
    if !body.is_empty() && !body.ends_with('\n') {
        body.push('\n');
    }
    Ok(body)
}

/// A line `// ANCHOR: name` or `// ANCHOR_END: name`: `(is_end, name)`.
fn anchor_line(line: &str) -> Option<(bool, &str)> {
    let rest = line.trim_start().strip_prefix("//")?.trim_start();
    if let Some(name) = rest.strip_prefix("ANCHOR_END:") {
        return Some((true, name.trim()));
    }
    rest.strip_prefix("ANCHOR:")
        .map(|name| (false, name.trim()))
}

/// The lines between `// ANCHOR: anchor` and `// ANCHOR_END: anchor`, without other anchors'
/// marker lines, dedented.
///
/// # Errors
/// When the anchor is missing, unterminated, ends before it starts, or appears twice.
pub(crate) fn cut(text: &str, anchor: &str) -> Result<String, String> {
    let mut start = None;
    let mut end = None;
    let mut body = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        match anchor_line(line) {
            Some((false, name)) if name == anchor => {
                if let Some(first) = start {
                    return Err(format!(
                        "`// ANCHOR: {anchor}` appears twice (lines {first} and {line_no})"
                    ));
                }
                start = Some(line_no);
            }
            Some((true, name)) if name == anchor => {
                if start.is_none() {
                    return Err(format!(
                        "`// ANCHOR_END: {anchor}` (line {line_no}) comes before its `// ANCHOR: {anchor}`"
                    ));
                }
                if end.is_some() {
                    return Err(format!("`// ANCHOR_END: {anchor}` appears twice"));
                }
                end = Some(line_no);
            }
            // Other anchors' markers are noise inside a cut.
            Some(_) => {}
            None if start.is_some() && end.is_none() && !is_rustdoc_comment(line) => {
                body.push(line);
            }
            None => {}
        }
    }
    match (start, end) {
        (None, _) => Err(format!("no `// ANCHOR: {anchor}` line")),
        (Some(line), None) => Err(format!(
            "`// ANCHOR: {anchor}` (line {line}) has no `// ANCHOR_END: {anchor}`"
        )),
        (Some(_), Some(_)) => Ok(dedent(&body)),
    }
}

/// A `///` or `//!` line: rustdoc's, not the page's.
fn is_rustdoc_comment(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("///") || trimmed.starts_with("//!")
}

/// Removes the indentation all non-blank lines share; blank lines become empty. Each line ends
/// with a newline.
pub(crate) fn dedent(lines: &[&str]) -> String {
    let leading = |line: &str| line.len() - line.trim_start_matches([' ', '\t']).len();
    let common = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| leading(line))
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for line in lines {
        if !line.trim().is_empty() {
            // `common` counts ASCII blanks only, so the cut falls on a character boundary.
            out.push_str(&line[common..]);
        }
        out.push('\n');
    }
    out
}

/// A Markdown code fence: its character and length.
#[derive(Debug, Clone, Copy)]
struct Fence {
    marker: char,
    len: usize,
}

impl Fence {
    /// The fence a line opens (up to three spaces of indentation, then three or more backticks
    /// or tildes, then an optional info string).
    fn opened_by(line: &str) -> Option<Fence> {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() > 3 {
            return None;
        }
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
        let len = trimmed.chars().take_while(|c| *c == marker).count();
        (len >= 3).then_some(Fence { marker, len })
    }

    /// Whether a line closes this fence: only the fence character, at least as many, nothing else.
    fn is_closed_by(self, line: &str) -> bool {
        let trimmed = line.trim_start_matches(' ');
        line.len() - trimmed.len() <= 3
            && trimmed.trim_end().chars().all(|c| c == self.marker)
            && trimmed.trim_end().chars().count() >= self.len
    }

    /// Fails when the body holds a line that would close the fence early.
    fn check_body(self, body: &str) -> Result<(), String> {
        match body.lines().position(|line| self.is_closed_by(line)) {
            Some(index) => Err(format!(
                "line {} of the included text would close the fence; open the block with a longer fence",
                index + 1
            )),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "\
use std::fmt;

// ANCHOR: outer
fn outer() {
    // ANCHOR: inner
    let x = 1;

    if x > 0 {
        println!(\"{x}\");
    }
    // ANCHOR_END: inner
}
// ANCHOR_END: outer
";

    fn fill(doc: &str) -> Outcome {
        process("docs/t.md", doc, &mut |path| match path {
            "src/a.rs" => Ok(SOURCE.to_owned()),
            "out.txt" => Ok("[+0.000s] one\n[+0.500s] two".to_owned()),
            _ => Err(format!("cannot read {path}: not found")),
        })
    }

    #[test]
    fn cut_drops_other_anchors_and_keeps_blank_lines() {
        assert_eq!(
            cut(SOURCE, "outer").unwrap(),
            "fn outer() {\n    let x = 1;\n\n    if x > 0 {\n        println!(\"{x}\");\n    }\n}\n"
        );
    }

    #[test]
    fn cut_dedents_a_nested_anchor() {
        assert_eq!(
            cut(SOURCE, "inner").unwrap(),
            "let x = 1;\n\nif x > 0 {\n    println!(\"{x}\");\n}\n"
        );
    }

    #[test]
    fn cut_reports_missing_unterminated_and_duplicate_anchors() {
        assert_eq!(
            cut(SOURCE, "nope").unwrap_err(),
            "no `// ANCHOR: nope` line"
        );
        let open = "// ANCHOR: a\nx\n";
        assert!(
            cut(open, "a")
                .unwrap_err()
                .contains("has no `// ANCHOR_END: a`")
        );
        let twice = "// ANCHOR: a\n// ANCHOR_END: a\n// ANCHOR: a\n// ANCHOR_END: a\n";
        assert!(cut(twice, "a").unwrap_err().contains("appears twice"));
        let backwards = "// ANCHOR_END: a\n// ANCHOR: a\n";
        assert!(cut(backwards, "a").unwrap_err().contains("comes before"));
    }

    #[test]
    fn anchor_names_match_exactly() {
        let text = "// ANCHOR: spawn_all_more\nno\n// ANCHOR_END: spawn_all_more\n// ANCHOR: spawn_all\nyes\n// ANCHOR_END: spawn_all\n";
        assert_eq!(cut(text, "spawn_all").unwrap(), "yes\n");
    }

    #[test]
    fn dedent_removes_only_the_common_indentation() {
        assert_eq!(
            dedent(&["    a", "      b", "", "  ", "    c"]),
            "a\n  b\n\n\nc\n"
        );
        assert_eq!(dedent(&["a", "  b"]), "a\n  b\n");
        assert_eq!(dedent(&["\tx", "\t\ty"]), "x\n\ty\n");
        assert_eq!(dedent(&[]), "");
    }

    #[test]
    fn empty_blocks_are_filled_and_reported_stale() {
        let doc = "# T\n\n<!-- include: src/a.rs:inner -->\n```rust\n```\n\n<!-- include: out.txt -->\n```text\n```\n";
        let outcome = fill(doc);
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        assert_eq!(
            outcome.text,
            "# T\n\n<!-- include: src/a.rs:inner -->\n```rust\nlet x = 1;\n\nif x > 0 {\n    println!(\"{x}\");\n}\n```\n\n<!-- include: out.txt -->\n```text\n[+0.000s] one\n[+0.500s] two\n```\n"
        );
        let lines: Vec<usize> = outcome.stale.iter().map(|s| s.line).collect();
        assert_eq!(lines, [3, 7]);
        assert_eq!(outcome.stale[0].spec, "src/a.rs:inner");
        // Filling is idempotent: the filled doc is up to date.
        let again = fill(&outcome.text);
        assert_eq!(again.text, outcome.text);
        assert!(again.stale.is_empty());
    }

    #[test]
    fn a_changed_source_makes_its_block_stale_with_both_bodies() {
        let doc = "<!-- include: out.txt -->\n```text\n[+0.000s] one\n[+0.400s] two\n```\n";
        let outcome = fill(doc);
        assert_eq!(outcome.stale.len(), 1);
        assert_eq!(outcome.stale[0].old, "[+0.000s] one\n[+0.400s] two\n");
        assert_eq!(outcome.stale[0].new, "[+0.000s] one\n[+0.500s] two\n");
    }

    #[test]
    fn broken_markers_are_errors_naming_doc_line_and_marker() {
        let doc = "a\n<!-- include: src/gone.rs -->\n```rust\nkeep\n```\n<!-- include: src/a.rs:nope -->\n```rust\n```\n<!-- include: out.txt -->\n\n```text\n```\n";
        let outcome = fill(doc);
        assert_eq!(outcome.text, doc, "broken blocks are left as they were");
        assert_eq!(
            outcome.errors,
            [
                "docs/t.md:2: include src/gone.rs: cannot read src/gone.rs: not found",
                "docs/t.md:6: include src/a.rs:nope: src/a.rs: no `// ANCHOR: nope` line",
                "docs/t.md:9: include out.txt: the marker must be followed directly by a ``` fenced block (no blank line)",
            ]
        );
    }

    #[test]
    fn an_unclosed_fence_is_an_error() {
        let outcome = fill("<!-- include: out.txt -->\n```text\nnever closed\n");
        assert_eq!(outcome.errors.len(), 1);
        assert!(
            outcome.errors[0].contains("never closed"),
            "{:?}",
            outcome.errors
        );
    }

    #[test]
    fn markers_inside_code_blocks_are_text() {
        let doc = "````markdown\n<!-- include: src/gone.rs -->\n```rust\n```\n````\n";
        let outcome = fill(doc);
        assert!(outcome.errors.is_empty() && outcome.stale.is_empty());
        assert_eq!(outcome.text, doc);
    }

    #[test]
    fn included_text_that_would_close_the_fence_is_an_error() {
        let mut load = |_: &str| Ok::<_, String>("a\n```\nb\n".to_owned());
        let outcome = process("d.md", "<!-- include: x.md -->\n```text\n```\n", &mut load);
        assert!(
            outcome.errors[0].contains("would close the fence"),
            "{:?}",
            outcome.errors
        );
        // A longer fence holds it.
        let outcome = process(
            "d.md",
            "<!-- include: x.md -->\n````text\n````\n",
            &mut load,
        );
        assert!(outcome.errors.is_empty());
        assert_eq!(
            outcome.text,
            "<!-- include: x.md -->\n````text\na\n```\nb\n````\n"
        );
    }

    #[test]
    fn the_final_newline_of_the_doc_is_kept_as_it_was() {
        assert_eq!(fill("x").text, "x");
        assert_eq!(fill("x\n").text, "x\n");
    }

    #[test]
    fn a_cut_leaves_rustdoc_comments_out() {
        let text = "// ANCHOR: f\n/// Docs.\n/// # hidden();\n// Why: a plain comment stays.\nfn f() {}\n// ANCHOR_END: f\n";
        assert_eq!(
            cut(text, "f").unwrap(),
            "// Why: a plain comment stays.\nfn f() {}\n"
        );
    }
}
