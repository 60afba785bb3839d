//! Silencing the panic message of a panic that a test or example causes on purpose.

use std::panic::{self, PanicHookInfo};

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// While this guard lives, panics print nothing; dropping it puts the previous hook back.
///
/// Use it around a panic that is part of the lesson (a task that panics to show how its
/// `JoinError` is reported), so the transcript is not interleaved with a backtrace message.
/// The panic hook is process-wide: in a test binary, other tests running at the same time are
/// silenced too, which hides only messages, never failures.
///
/// ```
/// let quiet = testing::QuietPanics::new();
/// let caught = std::panic::catch_unwind(|| panic!("on purpose"));
/// drop(quiet);
/// assert!(caught.is_err());
/// ```
#[must_use = "panics are silenced only while the guard lives"]
pub struct QuietPanics {
    previous: Option<Hook>,
}

impl std::fmt::Debug for QuietPanics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuietPanics").finish_non_exhaustive()
    }
}

impl QuietPanics {
    /// Silences panic messages until the guard is dropped.
    pub fn new() -> QuietPanics {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(|_| {}));
        QuietPanics {
            previous: Some(previous),
        }
    }
}

impl Default for QuietPanics {
    fn default() -> QuietPanics {
        QuietPanics::new()
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        // `set_hook` panics when called during a panic: a test failing while it holds the guard
        // must report its failure, not abort the process, so the hook is left as it is then.
        if std::thread::panicking() {
            return;
        }
        if let Some(previous) = self.previous.take() {
            panic::set_hook(previous);
        }
    }
}
