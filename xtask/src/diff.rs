//! A small line diff for golden transcripts, include blocks and generated files.
//!
//! The longest common subsequence of the lines (after trimming the common prefix and suffix,
//! which is most of the text in practice) gives `-` / `+` lines; the rendering keeps a few lines
//! of context around each change and stops after [`MAX_LINES`] lines, so a wholly different file
//! cannot flood the terminal.

/// Lines of unchanged context shown around each change.
const CONTEXT: usize = 3;

/// The most lines a rendered diff prints.
pub(crate) const MAX_LINES: usize = 40;

/// Above this many table cells the middle part is shown as removed-then-added instead of
/// aligned: the quadratic table would cost more than the alignment is worth.
const MAX_CELLS: usize = 4_000_000;

/// What happened to one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// In both texts.
    Same,
    /// Only in the old text (printed with `-`).
    Removed,
    /// Only in the new text (printed with `+`).
    Added,
}

/// Aligns two sequences of lines: every old line appears once as `Same` or `Removed`, every new
/// line once as `Same` or `Added`, in order.
pub(crate) fn diff<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<(Op, &'a str)> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let middle_old = &old[prefix..old.len() - suffix];
    let middle_new = &new[prefix..new.len() - suffix];

    let mut ops = Vec::with_capacity(old.len() + new.len());
    ops.extend(old[..prefix].iter().map(|line| (Op::Same, *line)));
    if middle_old.len().saturating_mul(middle_new.len()) <= MAX_CELLS {
        align(middle_old, middle_new, &mut ops);
    } else {
        ops.extend(middle_old.iter().map(|line| (Op::Removed, *line)));
        ops.extend(middle_new.iter().map(|line| (Op::Added, *line)));
    }
    ops.extend(
        old[old.len() - suffix..]
            .iter()
            .map(|line| (Op::Same, *line)),
    );
    ops
}

/// The classic LCS table walk. `table[i][j]` is the length of the longest common subsequence of
/// `old[i..]` and `new[j..]`; walking from the start, a removal is preferred on ties so a changed
/// line reads as `-old` then `+new`.
fn align<'a>(old: &[&'a str], new: &[&'a str], ops: &mut Vec<(Op, &'a str)>) {
    let width = new.len() + 1;
    let mut table = vec![0_u32; (old.len() + 1) * width];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            table[i * width + j] = if old[i] == new[j] {
                table[(i + 1) * width + j + 1] + 1
            } else {
                table[(i + 1) * width + j].max(table[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < old.len() && j < new.len() {
        if old[i] == new[j] {
            ops.push((Op::Same, old[i]));
            i += 1;
            j += 1;
        } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
            ops.push((Op::Removed, old[i]));
            i += 1;
        } else {
            ops.push((Op::Added, new[j]));
            j += 1;
        }
    }
    ops.extend(old[i..].iter().map(|line| (Op::Removed, *line)));
    ops.extend(new[j..].iter().map(|line| (Op::Added, *line)));
}

/// A readable diff from `old` to `new`: `@@ -OLD +NEW @@` headers with 1-based line numbers,
/// ` ` / `-` / `+` lines, at most [`MAX_LINES`] lines. Empty when the texts are equal.
///
/// Line endings count: a last line without a newline is flagged, so texts that differ only there
/// still show a difference.
pub(crate) fn render(old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = diff(&old_lines, &new_lines);

    let mut shown = vec![false; ops.len()];
    for (index, (op, _)) in ops.iter().enumerate() {
        if *op != Op::Same {
            let last = (index + CONTEXT).min(ops.len() - 1);
            shown[index.saturating_sub(CONTEXT)..=last].fill(true);
        }
    }

    let mut out = Vec::new();
    let (mut old_no, mut new_no) = (1, 1);
    let mut previous_shown = false;
    for (index, (op, line)) in ops.iter().enumerate() {
        if shown[index] {
            if !previous_shown {
                out.push(format!("@@ -{old_no} +{new_no} @@"));
            }
            let mark = match op {
                Op::Same => ' ',
                Op::Removed => '-',
                Op::Added => '+',
            };
            match line.strip_suffix('\n') {
                Some(text) => out.push(format!("{mark}{text}")),
                None => {
                    out.push(format!("{mark}{line}"));
                    out.push("\\ no newline at end of text".to_owned());
                }
            }
        }
        previous_shown = shown[index];
        match op {
            Op::Same => {
                old_no += 1;
                new_no += 1;
            }
            Op::Removed => old_no += 1,
            Op::Added => new_no += 1,
        }
    }
    if out.len() > MAX_LINES {
        let hidden = out.len() - MAX_LINES;
        out.truncate(MAX_LINES);
        out.push(format!("... {hidden} more diff lines"));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(old: &str, new: &str) -> String {
        let old: Vec<&str> = old.split(' ').filter(|s| !s.is_empty()).collect();
        let new: Vec<&str> = new.split(' ').filter(|s| !s.is_empty()).collect();
        diff(&old, &new)
            .iter()
            .map(|(op, line)| {
                let mark = match op {
                    Op::Same => ' ',
                    Op::Removed => '-',
                    Op::Added => '+',
                };
                format!("{mark}{line}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn equal_texts_have_no_changes_and_render_empty() {
        assert_eq!(ops("a b c", "a b c"), " a  b  c");
        assert_eq!(render("a\nb\n", "a\nb\n"), "");
        assert_eq!(render("", ""), "");
    }

    #[test]
    fn a_changed_line_is_removed_then_added() {
        assert_eq!(ops("a b c", "a x c"), " a -b +x  c");
    }

    #[test]
    fn insertions_and_deletions_align_on_the_common_lines() {
        assert_eq!(ops("a b c d", "b c e d"), "-a  b  c +e  d");
        assert_eq!(ops("", "a b"), "+a +b");
        assert_eq!(ops("a b", ""), "-a -b");
        // The LCS keeps the three common lines, not the first matching one.
        assert_eq!(ops("x a b c", "a b c x"), "-x  a  b  c +x");
    }

    #[test]
    fn render_shows_context_and_line_numbers() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
        let new = "1\n2\n3\n4\n5\nsix\n7\n8\n9\n10\n";
        assert_eq!(
            render(old, new),
            "@@ -3 +3 @@\n 3\n 4\n 5\n-6\n+six\n 7\n 8\n 9"
        );
    }

    #[test]
    fn render_splits_distant_changes_into_hunks() {
        let old: String = (1..=20).map(|n| format!("{n}\n")).collect();
        let new: String = (1..=20)
            .map(|n| match n {
                2 => "two\n".to_owned(),
                19 => "nineteen\n".to_owned(),
                _ => format!("{n}\n"),
            })
            .collect();
        let rendered = render(&old, &new);
        assert_eq!(rendered.matches("@@").count(), 4, "{rendered}");
        assert!(rendered.contains("@@ -16 +16 @@"), "{rendered}");
    }

    #[test]
    fn render_flags_a_missing_final_newline() {
        assert_eq!(
            render("a\nb\n", "a\nb"),
            "@@ -1 +1 @@\n a\n-b\n+b\n\\ no newline at end of text"
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
