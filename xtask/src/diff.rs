//! The unified diff shown for a stale golden transcript, include block or generated file, made by
//! the `similar` crate and capped so a wholly different file cannot flood the terminal.

use similar::TextDiff;

/// Lines of unchanged context shown around each change.
const CONTEXT: usize = 3;

/// The most lines a rendered diff prints.
pub(crate) const MAX_LINES: usize = 40;

/// A unified diff from `old` to `new`: `@@ -a,b +c,d @@` hunk headers, ` ` / `-` / `+` lines,
/// `\ No newline at end of file` where a last line lacks one, at most [`MAX_LINES`] lines. Empty
/// when the texts are equal.
pub(crate) fn render(old: &str, new: &str) -> String {
    let diff = TextDiff::from_lines(old, new);
    let text = diff.unified_diff().context_radius(CONTEXT).to_string();
    let mut lines: Vec<&str> = text.lines().collect();
    if lines.len() <= MAX_LINES {
        return lines.join("\n");
    }
    let hidden = lines.len() - MAX_LINES;
    lines.truncate(MAX_LINES);
    format!("{}\n... {hidden} more diff lines", lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_render_empty() {
        assert_eq!(render("a\nb\n", "a\nb\n"), "");
        assert_eq!(render("", ""), "");
    }

    #[test]
    fn a_changed_line_shows_with_context_and_line_numbers() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
        let new = "1\n2\n3\n4\n5\nsix\n7\n8\n9\n10\n";
        assert_eq!(
            render(old, new),
            "@@ -3,7 +3,7 @@\n 3\n 4\n 5\n-6\n+six\n 7\n 8\n 9"
        );
    }

    #[test]
    fn distant_changes_are_separate_hunks() {
        let old: String = (1..=20).map(|n| format!("{n}\n")).collect();
        let new: String = (1..=20)
            .map(|n| match n {
                2 => "two\n".to_owned(),
                19 => "nineteen\n".to_owned(),
                _ => format!("{n}\n"),
            })
            .collect();
        let rendered = render(&old, &new);
        assert_eq!(rendered.matches("@@ -").count(), 2, "{rendered}");
        assert!(rendered.contains("@@ -16,5 +16,5 @@"), "{rendered}");
    }

    #[test]
    fn a_missing_final_newline_is_flagged() {
        let rendered = render("a\nb\n", "a\nb");
        assert!(
            rendered.contains("-b\n+b\n\\ No newline at end of file"),
            "{rendered}"
        );
    }

    #[test]
    fn render_is_capped() {
        let old: String = (0..100).map(|n| format!("old {n}\n")).collect();
        let new: String = (0..100).map(|n| format!("new {n}\n")).collect();
        let rendered = render(&old, &new);
        assert_eq!(rendered.lines().count(), MAX_LINES + 1);
        assert!(rendered.ends_with("... 161 more diff lines"), "{rendered}");
    }
}
