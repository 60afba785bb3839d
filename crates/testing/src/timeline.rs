//! An ASCII picture of task spans: who ran when.
//!
//! ```text
//! timeline (1 column = 100ms, # running, x failed, ! cancelled)
//! url 1  |#####          |
//! url 2  |#####          |
//! url 3  |     #####     |
//! url 4  |          ##x  |
//! ```
//!
//! The scale is picked so the whole run fits in [`Timeline::MAX_COLUMNS`] columns; a column is
//! drawn for a span when the span covers part of it. Everything is computed from durations, so
//! on a paused clock the picture is the same on every run.

use std::fmt;
use std::time::Duration;

/// One span: a label, when it started and ended (relative to the transcript's origin), and the
/// character drawn in its last cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanRecord {
    /// The row's label.
    pub label: String,
    /// When the span started.
    pub start: Duration,
    /// When it ended; `None` while it is still running.
    pub end: Option<Duration>,
    /// The character of its last cell: `#`, or a mark such as `x` or `!`.
    pub last: char,
}

/// A set of spans drawn as rows of cells.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use testing::timeline::{SpanRecord, Timeline};
///
/// let ms = Duration::from_millis;
/// let span = |label: &str, start, end| SpanRecord {
///     label: label.into(),
///     start: ms(start),
///     end: Some(ms(end)),
///     last: '#',
/// };
/// let timeline = Timeline::new(vec![span("a", 0, 3), span("b", 3, 6)]);
/// assert_eq!(
///     timeline.rows(),
///     [
///         "timeline (1 column = 1ms, # running, x failed, ! cancelled)",
///         "a  |###   |",
///         "b  |   ###|",
///     ]
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    spans: Vec<SpanRecord>,
}

/// Column widths, smallest first; the first that fits the run in `MAX_COLUMNS` is used.
const UNITS_MS: [u64; 16] = [
    1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 5_000, 10_000, 60_000,
];

impl Timeline {
    /// The most columns a row may have.
    pub const MAX_COLUMNS: u64 = 60;

    /// A timeline of `spans`, drawn in the order given. Spans with no end are drawn to the end of
    /// the latest span.
    pub fn new(spans: Vec<SpanRecord>) -> Timeline {
        Timeline { spans }
    }

    /// The spans, in drawing order.
    pub fn spans(&self) -> &[SpanRecord] {
        &self.spans
    }

    /// The width of one column.
    pub fn unit(&self) -> Duration {
        let total = self.total().as_millis();
        let ms = UNITS_MS
            .iter()
            .copied()
            .find(|&unit| total.div_ceil(u128::from(unit)) <= u128::from(Self::MAX_COLUMNS))
            .unwrap_or(UNITS_MS[UNITS_MS.len() - 1]);
        Duration::from_millis(ms)
    }

    fn total(&self) -> Duration {
        self.spans
            .iter()
            .map(|span| span.end.unwrap_or(span.start).max(span.start))
            .max()
            .unwrap_or_default()
    }

    /// The picture as lines: a heading, then one row per span.
    pub fn rows(&self) -> Vec<String> {
        let unit = self.unit();
        let unit_ns = unit.as_nanos();
        let total = self.total();
        let columns = usize::try_from(total.as_nanos().div_ceil(unit_ns))
            .unwrap_or(usize::MAX)
            .max(1);
        let width = self
            .spans
            .iter()
            .map(|span| span.label.chars().count())
            .max()
            .unwrap_or(0);
        let mut rows = vec![format!(
            "timeline (1 column = {}, # running, x failed, ! cancelled)",
            describe(unit)
        )];
        for span in &self.spans {
            let end = span.end.unwrap_or(total).max(span.start);
            let first = usize::try_from(span.start.as_nanos() / unit_ns).unwrap_or(usize::MAX);
            // A zero-length span still gets one cell so that it is visible.
            let last_exclusive = usize::try_from(end.as_nanos().div_ceil(unit_ns))
                .unwrap_or(usize::MAX)
                .max(first + 1)
                .min(columns.max(first + 1));
            let mut cells = vec![' '; columns.max(last_exclusive)];
            for cell in &mut cells[first..last_exclusive] {
                *cell = '#';
            }
            cells[last_exclusive - 1] = span.last;
            let bar: String = cells.into_iter().collect();
            rows.push(format!("{:<width$}  |{bar}|", span.label));
        }
        rows
    }
}

impl fmt::Display for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for row in self.rows() {
            writeln!(f, "{row}")?;
        }
        Ok(())
    }
}

fn describe(unit: Duration) -> String {
    let ms = unit.as_millis();
    if ms >= 1_000 && ms.is_multiple_of(1_000) {
        format!("{}s", ms / 1_000)
    } else {
        format!("{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn span(label: &str, start: u64, end: u64, last: char) -> SpanRecord {
        SpanRecord {
            label: label.to_owned(),
            start: Duration::from_millis(start),
            end: Some(Duration::from_millis(end)),
            last,
        }
    }

    #[test]
    fn waves_of_a_semaphore_draw_as_a_staircase() {
        let timeline = Timeline::new(vec![
            span("job 1", 0, 500, '#'),
            span("job 2", 0, 500, '#'),
            span("job 3", 500, 1_000, '#'),
            span("job 4", 1_000, 1_300, 'x'),
        ]);
        assert_eq!(
            timeline.rows(),
            [
                "timeline (1 column = 25ms, # running, x failed, ! cancelled)",
                "job 1  |####################                                |",
                "job 2  |####################                                |",
                "job 3  |                    ####################            |",
                "job 4  |                                        ###########x|",
            ]
        );
    }

    #[test]
    fn an_empty_timeline_has_only_its_heading() {
        assert_eq!(Timeline::new(Vec::new()).rows().len(), 1);
    }

    #[test]
    fn a_zero_length_span_is_still_visible() {
        let rows = Timeline::new(vec![span("a", 0, 1_000, '#'), span("b", 500, 500, '!')]).rows();
        assert_eq!(rows[2].matches('!').count(), 1);
    }

    proptest! {
        #[test]
        fn every_row_has_the_same_width_and_fits(
            spans in proptest::collection::vec((0u64..100_000, 0u64..100_000), 1..20)
        ) {
            let records: Vec<_> = spans
                .iter()
                .enumerate()
                .map(|(i, &(a, b))| span(&format!("t{i}"), a.min(b), a.max(b), '#'))
                .collect();
            let rows = Timeline::new(records).rows();
            let widths: Vec<_> = rows[1..].iter().map(|row| row.chars().count()).collect();
            prop_assert!(widths.windows(2).all(|pair| pair[0] == pair[1]));
            let bar = rows[1].split('|').nth(1).unwrap_or_default();
            prop_assert!(bar.chars().count() as u64 <= Timeline::MAX_COLUMNS);
        }
    }
}
