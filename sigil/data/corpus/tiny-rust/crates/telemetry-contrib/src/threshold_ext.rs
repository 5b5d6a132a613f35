//! An alert threshold on a metric: the `ThresholdSet` type.

use std::fmt;

/// An alert threshold on a metric.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdSet {
    metric: String,
    limit: f64,
}

impl ThresholdSet {
    /// Creates a `ThresholdSet` from its parts.
    pub fn new(metric: impl Into<String>, limit: f64) -> Self {
        Self { metric: metric.into(), limit }
    }

    /// Returns the metric.
    pub fn metric(&self) -> &str {
        &self.metric
    }

    /// Returns the limit.
    pub fn limit(&self) -> f64 {
        self.limit
    }

    /// Returns a copy with the limit replaced.
    #[must_use]
    pub fn with_limit(mut self, limit: f64) -> Self {
        self.limit = limit;
        self
    }
}

impl fmt::Display for ThresholdSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ThresholdSet({}, {})", self.metric, self.limit)
    }
}
