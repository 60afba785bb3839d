//! How every constructor in the workspace refuses bad configuration: one error type,
//! [`ConfigError`], and the checks that produce it.
//!
//! A limit, capacity, rate, size or attempt count of 0, a value past [`MAX_CAPACITY`], a zero
//! duration or one past [`MAX_DURATION`], an empty list where one is needed: each is refused by
//! the constructor with a [`ConfigError`] naming the parameter, never by a panic or a hang later.
//! Run-time failures (a closed queue, a timeout, a panicked task) are separate, smaller errors of
//! each pattern, so a caller matching one never meets a case that cannot happen there.
//!
//! ```
//! use std::time::Duration;
//! use basics::config::{self, ConfigError};
//!
//! assert_eq!(config::count("limit", 3), Ok(3));
//! assert_eq!(config::count("limit", 0), Err(ConfigError::Zero { name: "limit" }));
//! assert!(matches!(
//!     config::duration("period", Duration::MAX),
//!     Err(ConfigError::TooLong { name: "period", .. })
//! ));
//! ```

use std::time::Duration;

/// The largest capacity, limit, size or count any constructor accepts: 2^20 (1 048 576).
///
/// Far above any sensible queue or concurrency limit, and far below the points where tokio
/// panics (`Semaphore::MAX_PERMITS`, `usize::MAX >> 3`) or where a queue that allocates its slots
/// up front would ask for more memory than a machine has. A bounded queue of this capacity
/// allocates about `MAX_CAPACITY × (size_of::<T>() + 8)` bytes when it is created.
pub const MAX_CAPACITY: usize = 1 << 20;

/// The longest duration any constructor accepts: 365 days.
///
/// Any period, delay, timeout or window is at most this long, so `Instant::now() + duration`
/// cannot overflow and arithmetic on durations (a burst times a period, a doubling backoff)
/// stays far from `u64` nanoseconds' 584 years. "Never" is spelled `None` in a config, not
/// `Duration::MAX`.
pub const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// Bad configuration, refused by the constructor that was given it.
///
/// Every variant names the parameter (`name`), as it is spelled in the constructor or config
/// struct, so the message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A count or a duration was zero where at least one (or some time) is needed.
    #[error("{name} must not be zero")]
    Zero {
        /// The parameter.
        name: &'static str,
    },
    /// A count was larger than the constructor accepts.
    #[error("{name} is {value}, more than the maximum {max}")]
    TooLarge {
        /// The parameter.
        name: &'static str,
        /// What was given.
        value: usize,
        /// The largest value accepted.
        max: usize,
    },
    /// A duration was longer than [`MAX_DURATION`] (or a tighter limit of the constructor).
    #[error("{name} is {value:?}, longer than the maximum {max:?}")]
    TooLong {
        /// The parameter.
        name: &'static str,
        /// What was given.
        value: Duration,
        /// The longest duration accepted.
        max: Duration,
    },
    /// A list that needs at least one element was empty.
    #[error("{name} must not be empty")]
    Empty {
        /// The parameter.
        name: &'static str,
    },
    /// Values that are fine alone but not together, such as a minimum above a maximum.
    #[error("{name}: {reason}")]
    Invalid {
        /// The parameter (or parameters) at fault.
        name: &'static str,
        /// What is wrong, lowercase, no final period.
        reason: &'static str,
    },
}

/// Checks a count (a limit, capacity, size, burst or attempt count): `1..=MAX_CAPACITY`.
///
/// # Errors
/// [`ConfigError::Zero`] for 0, [`ConfigError::TooLarge`] past [`MAX_CAPACITY`].
pub fn count(name: &'static str, value: usize) -> Result<usize, ConfigError> {
    count_at_most(name, value, MAX_CAPACITY)
}

/// Checks a count against a tighter maximum than [`MAX_CAPACITY`]: `1..=max`.
///
/// # Errors
/// [`ConfigError::Zero`] for 0, [`ConfigError::TooLarge`] past `max`.
pub fn count_at_most(name: &'static str, value: usize, max: usize) -> Result<usize, ConfigError> {
    if value == 0 {
        Err(ConfigError::Zero { name })
    } else if value > max {
        Err(ConfigError::TooLarge { name, value, max })
    } else {
        Ok(value)
    }
}

/// Checks a period, delay, timeout or window: more than zero and at most [`MAX_DURATION`].
///
/// # Errors
/// [`ConfigError::Zero`] for [`Duration::ZERO`], [`ConfigError::TooLong`] past
/// [`MAX_DURATION`].
pub fn duration(name: &'static str, value: Duration) -> Result<Duration, ConfigError> {
    if value.is_zero() {
        Err(ConfigError::Zero { name })
    } else {
        duration_or_zero(name, value)
    }
}

/// Checks a duration that may be zero (an optional wait, a jitter): at most [`MAX_DURATION`].
///
/// # Errors
/// [`ConfigError::TooLong`] past [`MAX_DURATION`].
pub fn duration_or_zero(name: &'static str, value: Duration) -> Result<Duration, ConfigError> {
    if value > MAX_DURATION {
        Err(ConfigError::TooLong {
            name,
            value,
            max: MAX_DURATION,
        })
    } else {
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_checked_at_both_ends() {
        assert_eq!(count("n", 1), Ok(1));
        assert_eq!(count("n", MAX_CAPACITY), Ok(MAX_CAPACITY));
        assert_eq!(count("n", 0), Err(ConfigError::Zero { name: "n" }));
        assert_eq!(
            count("n", usize::MAX),
            Err(ConfigError::TooLarge {
                name: "n",
                value: usize::MAX,
                max: MAX_CAPACITY
            })
        );
        assert_eq!(
            count_at_most("n", 5, 4).unwrap_err().to_string(),
            "n is 5, more than the maximum 4"
        );
    }

    #[test]
    fn durations_are_checked_at_both_ends() {
        assert_eq!(
            duration("d", Duration::from_nanos(1)),
            Ok(Duration::from_nanos(1))
        );
        assert_eq!(duration("d", MAX_DURATION), Ok(MAX_DURATION));
        assert_eq!(
            duration("d", Duration::ZERO),
            Err(ConfigError::Zero { name: "d" })
        );
        assert!(matches!(
            duration("d", Duration::MAX),
            Err(ConfigError::TooLong { name: "d", .. })
        ));
        assert_eq!(duration_or_zero("d", Duration::ZERO), Ok(Duration::ZERO));
        assert!(duration_or_zero("d", Duration::MAX).is_err());
    }

    #[test]
    fn the_longest_duration_can_be_added_to_now() {
        let now = tokio::time::Instant::now();
        assert!(now.checked_add(MAX_DURATION).is_some());
        assert_eq!(
            ConfigError::Zero { name: "limit" }.to_string(),
            "limit must not be zero"
        );
    }
}
