//! The clock switch: real time for people, tokio's paused clock for the golden transcripts.
//!
//! An example's `main` hands its body to [`run_example`](crate::run_example), which builds the
//! runtime. When the environment variable [`CLOCK_ENV`] is `paused` (the xtask sets it), that
//! runtime starts with tokio's clock paused, so every `sleep`, `interval` and `timeout` completes in virtual time: the
//! runtime jumps straight to the next timer whenever it has nothing else to do. The example then
//! finishes in milliseconds and prints exactly the same stamps on every run. Without the variable
//! the example runs in real time, so a reader sees the waves happen.
//!
//! The clock must be paused when the runtime is built, not later: tokio's timer counts whole
//! milliseconds from the runtime's start, and `tokio::time::pause()` called mid-millisecond makes
//! every later sleep round up by one millisecond (5 sleeps of 500 ms end at +2.505 s). Paused time
//! also needs the `current_thread` runtime.

/// The environment variable that selects the clock: `paused` pauses it, anything else (or
/// nothing) leaves it real.
pub const CLOCK_ENV: &str = "TRANSCRIPT_CLOCK";

/// Which clock a program runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    /// Wall-clock time: sleeps really wait.
    Real,
    /// Tokio's paused clock: time only moves when the runtime is idle or a test advances it.
    Paused,
}

impl ClockMode {
    /// Reads [`CLOCK_ENV`]: `paused` gives [`ClockMode::Paused`], anything else [`ClockMode::Real`].
    ///
    /// # Examples
    /// ```
    /// use testing::ClockMode;
    /// // Nothing in the environment of a doctest asks for the paused clock.
    /// assert_eq!(ClockMode::from_env(), ClockMode::Real);
    /// ```
    pub fn from_env() -> ClockMode {
        match std::env::var(CLOCK_ENV) {
            Ok(value) if value.trim().eq_ignore_ascii_case("paused") => ClockMode::Paused,
            _ => ClockMode::Real,
        }
    }
}

/// `n` milliseconds: tests and examples speak in milliseconds on tokio's 1 ms timer grid.
pub const fn ms(n: u64) -> std::time::Duration {
    std::time::Duration::from_millis(n)
}
