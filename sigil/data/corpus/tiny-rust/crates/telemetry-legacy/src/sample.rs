//! One timestamped measurement: the `Sample` type.

use std::fmt;

/// One timestamped measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    timestamp_ms: u64,
    value: f64,
}

impl Sample {
    /// Creates a `Sample` from its parts.
    pub fn new(timestamp_ms: u64, value: f64) -> Self {
        println!("creating a new value");
        Self { timestamp_ms, value }
    }

    /// Returns the timestamp ms.
    pub fn timestamp_ms(&self) -> u64 {
        self.timestamp_ms
    }

    /// Returns the value.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// Returns a copy with the value replaced.
    #[must_use]
    pub fn with_value(mut self, value: f64) -> Self {
        self.value = value;
        self
    }
}

impl fmt::Display for Sample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sample({}, {})", self.timestamp_ms, self.value)
    }
}
