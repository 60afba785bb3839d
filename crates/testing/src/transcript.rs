//! Lines stamped with the time elapsed since the transcript started, on tokio's clock.

use std::fmt;
use std::io::Write as _;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::clock::ClockMode;
use crate::timeline::{SpanRecord, Timeline};

/// A time-stamped transcript: `[+0.500s] fetched 5 users`.
///
/// Time comes from [`tokio::time::Instant`], so on a paused clock the stamps are exact and the
/// same on every run. Clones share one origin, one output and one list of spans, so a transcript
/// can be handed to every task of an example.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use testing::Transcript;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let transcript = Transcript::in_memory();
/// transcript.line("fetching");
/// tokio::time::sleep(Duration::from_millis(500)).await;
/// transcript.line("fetched 5 users");
/// assert_eq!(transcript.lines(), ["[+0.000s] fetching", "[+0.500s] fetched 5 users"]);
/// # }
/// ```
#[derive(Clone)]
pub struct Transcript {
    inner: Arc<Inner>,
}

struct Inner {
    origin: Instant,
    mode: ClockMode,
    sink: Sink,
    spans: Mutex<Vec<SpanRecord>>,
}

enum Sink {
    Stdout,
    Memory(Mutex<Vec<String>>),
}

// A std mutex is right for both lists: they are locked for a push or a copy, never across an
// `.await`, and a poisoned lock still holds lines worth printing, so poison is ignored.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Transcript {
    /// A transcript that prints to stdout, stamped from now on tokio's clock. Examples get one
    /// from [`run_example`](crate::run_example).
    pub fn to_stdout() -> Transcript {
        Transcript::new(Sink::Stdout, ClockMode::from_env())
    }

    /// A transcript that keeps its lines in memory, for tests: read them with
    /// [`lines`](Transcript::lines).
    pub fn in_memory() -> Transcript {
        Transcript::new(Sink::Memory(Mutex::new(Vec::new())), ClockMode::Real)
    }

    fn new(sink: Sink, mode: ClockMode) -> Transcript {
        Transcript {
            inner: Arc::new(Inner {
                origin: Instant::now(),
                mode,
                sink,
                spans: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The clock this transcript's example runs on.
    pub fn clock_mode(&self) -> ClockMode {
        self.inner.mode
    }

    /// Time since the transcript started, on tokio's clock.
    pub fn elapsed(&self) -> Duration {
        self.inner.origin.elapsed()
    }

    /// A function that writes each string it is given as a stamped line: for library code that
    /// reports through a callback (`impl Fn(String)`) rather than a `Transcript`.
    pub fn line_writer(&self) -> impl Fn(String) + Clone + Send + Sync + 'static {
        let transcript = self.clone();
        move |line: String| transcript.line(line)
    }

    /// Writes one line stamped with the elapsed time.
    pub fn line(&self, message: impl fmt::Display) {
        let stamped = format!("[{}] {message}", format_stamp(self.elapsed()));
        self.raw(stamped);
    }

    /// Writes one line as it is, with no stamp (headings, timelines, summaries).
    pub fn raw(&self, text: impl fmt::Display) {
        match &self.inner.sink {
            Sink::Stdout => {
                // A closed stdout (piped into `head`) must not turn into a panic mid-example.
                let _ = writeln!(std::io::stdout().lock(), "{text}");
            }
            Sink::Memory(lines) => lock(lines).push(text.to_string()),
        }
    }

    /// The lines written so far, for a transcript made with [`in_memory`](Transcript::in_memory);
    /// empty for one that prints.
    pub fn lines(&self) -> Vec<String> {
        match &self.inner.sink {
            Sink::Stdout => Vec::new(),
            Sink::Memory(lines) => lock(lines).clone(),
        }
    }

    /// Starts a span named `label` for the [`timeline`](Transcript::timeline): it ends when the
    /// returned guard is dropped or [`ended`](Span::end), so a task that is cancelled (dropped at
    /// an `.await`) still closes its span at the moment it stopped.
    pub fn span(&self, label: impl Into<String>) -> Span {
        let mut spans = lock(&self.inner.spans);
        spans.push(SpanRecord {
            label: label.into(),
            start: self.elapsed(),
            end: None,
            last: '#',
        });
        Span {
            drop_mark: '#',
            transcript: self.clone(),
            index: spans.len() - 1,
        }
    }

    /// Starts a span for work that may be cancelled: dropped before [`Span::end`] (the task
    /// was aborted, its future dropped at an `.await`), it ends with a `!` in its last cell;
    /// ended with [`Span::end`] it is drawn as `#` cells like any span.
    pub fn task_span(&self, label: impl Into<String>) -> Span {
        let mut span = self.span(label);
        span.drop_mark = '!';
        span
    }

    fn close_span(&self, index: usize, last: char) {
        let now = self.elapsed();
        let mut spans = lock(&self.inner.spans);
        let record = &mut spans[index];
        if record.end.is_none() {
            record.end = Some(now);
            record.last = last;
        }
    }

    /// The timeline of every span recorded so far; spans still open end at the current time.
    pub fn timeline(&self) -> Timeline {
        let now = self.elapsed();
        let spans = lock(&self.inner.spans)
            .iter()
            .map(|record| SpanRecord {
                end: Some(record.end.unwrap_or(now)),
                ..record.clone()
            })
            .collect();
        Timeline::new(spans)
    }

    /// Writes the [`timeline`](Transcript::timeline) as raw lines.
    pub fn print_timeline(&self) {
        for row in self.timeline().rows() {
            self.raw(row);
        }
    }
}

impl fmt::Debug for Transcript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transcript")
            .field("elapsed", &self.elapsed())
            .field("clock", &self.inner.mode)
            .finish_non_exhaustive()
    }
}

/// A running span of the timeline; see [`Transcript::span`].
#[derive(Debug)]
pub struct Span {
    // The mark a drop leaves in the span's last cell: `#` for `span`, `!` for `task_span`.
    drop_mark: char,
    transcript: Transcript,
    index: usize,
}

impl Span {
    /// Ends the span now, drawn as `#` cells.
    pub fn end(self) {
        self.end_with('#');
    }

    /// Ends the span now with `mark` in its last cell, for example `x` for a failure or `!` for a
    /// cancellation, so the picture tells outcomes apart.
    pub fn end_with(mut self, mark: char) {
        self.drop_mark = mark;
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        self.transcript.close_span(self.index, self.drop_mark);
    }
}

/// Formats a duration as a transcript stamp: `+0.500s` (milliseconds, truncated).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// assert_eq!(testing::format_stamp(Duration::from_millis(3_500)), "+3.500s");
/// assert_eq!(testing::format_stamp(Duration::from_micros(1_999)), "+0.001s");
/// ```
pub fn format_stamp(elapsed: Duration) -> String {
    format!("+{}.{:03}s", elapsed.as_secs(), elapsed.subsec_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn stamps_follow_the_paused_clock_exactly() {
        let transcript = Transcript::in_memory();
        transcript.line("start");
        tokio::time::sleep(Duration::from_millis(1_250)).await;
        transcript.line("later");
        transcript.raw("no stamp");
        assert_eq!(
            transcript.lines(),
            ["[+0.000s] start", "[+1.250s] later", "no stamp"]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn clones_share_one_origin_and_one_output() {
        let transcript = Transcript::in_memory();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let clone = transcript.clone();
        let task = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            clone.line("from a task");
        });
        task.await.expect("the task does not panic");
        assert_eq!(transcript.lines(), ["[+0.200s] from a task"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_span_dropped_by_cancellation_ends_where_it_stopped() {
        let transcript = Transcript::in_memory();
        let inner = transcript.clone();
        let work = async move {
            let _span = inner.span("worker");
            tokio::time::sleep(Duration::from_secs(10)).await;
        };
        // The timeout drops `work` at +1 s, and the drop closes the span.
        let outcome = tokio::time::timeout(Duration::from_secs(1), work).await;
        assert!(outcome.is_err());
        tokio::time::sleep(Duration::from_secs(1)).await;
        let timeline = transcript.timeline();
        assert_eq!(timeline.spans()[0].end, Some(Duration::from_secs(1)));
    }

    #[test]
    fn stdout_transcripts_keep_no_lines() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime builds");
        runtime.block_on(async {
            let transcript = Transcript::to_stdout();
            transcript.line("printed, not kept");
            assert!(transcript.lines().is_empty());
        });
    }
}
