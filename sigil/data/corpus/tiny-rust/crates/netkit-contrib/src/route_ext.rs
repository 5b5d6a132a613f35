//! A forwarding rule from a prefix to a gateway: the `RouteSet` type.

use std::fmt;

/// A forwarding rule from a prefix to a gateway.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteSet {
    prefix: String,
    gateway: String,
    metric: u32,
}

impl RouteSet {
    /// Creates a `RouteSet` from its parts.
    pub fn new(prefix: impl Into<String>, gateway: impl Into<String>, metric: u32) -> Self {
        Self { prefix: prefix.into(), gateway: gateway.into(), metric }
    }

    /// Returns the prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Returns the gateway.
    pub fn gateway(&self) -> &str {
        &self.gateway
    }

    /// Returns the metric.
    pub fn metric(&self) -> u32 {
        self.metric
    }

    /// Returns a copy with the metric replaced.
    #[must_use]
    pub fn with_metric(mut self, metric: u32) -> Self {
        self.metric = metric;
        self
    }
}

impl fmt::Display for RouteSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RouteSet({}, {}, {})", self.prefix, self.gateway, self.metric)
    }
}
