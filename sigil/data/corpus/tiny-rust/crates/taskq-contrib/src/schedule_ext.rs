//! A recurring schedule in seconds: the `ScheduleSet` type.

use std::fmt;

/// A recurring schedule in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleSet {
    name: String,
    interval_secs: u64,
}

impl ScheduleSet {
    /// Creates a `ScheduleSet` from its parts.
    pub fn new(name: impl Into<String>, interval_secs: u64) -> Self {
        Self { name: name.into(), interval_secs }
    }

    /// Returns the name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the interval secs.
    pub fn interval_secs(&self) -> u64 {
        self.interval_secs
    }

    /// Returns a copy with the interval secs replaced.
    #[must_use]
    pub fn with_interval_secs(mut self, interval_secs: u64) -> Self {
        self.interval_secs = interval_secs;
        self
    }
}

impl fmt::Display for ScheduleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ScheduleSet({}, {})", self.name, self.interval_secs)
    }
}
