//! A forwarding rule from a prefix to a gateway: the `Route` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A forwarding rule from a prefix to a gateway.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    prefix: String,
    gateway: String,
    metric: u32,
}

impl Route {
    /// Creates a `Route` from its parts.
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

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Route({}, {}, {})", self.prefix, self.gateway, self.metric)
    }
}

/// Why a `Route` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseRouteError {
    /// The input did not have exactly 3 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseRouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseRouteError {}

impl FromStr for Route {
    type Err = ParseRouteError;

    /// Parses `prefix, gateway, metric` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseRouteError::FieldCount(parts.len()));
        }
        let prefix = parts[0].to_string();
        let gateway = parts[1].to_string();
        let metric = parts[2]
            .parse::<u32>()
            .map_err(|_| ParseRouteError::InvalidField("metric"))?;
        Ok(Self { prefix, gateway, metric })
    }
}

/// An ordered collection of [`Route`] values.
#[derive(Debug, Default, Clone)]
pub struct RouteRegistry {
    items: Vec<Route>,
}

impl RouteRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Route) {
        self.items.push(item);
    }

    /// Returns how many items the registry holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Returns `true` when the registry holds no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Finds the first item whose prefix matches.
    pub fn find(&self, prefix: &str) -> Option<&Route> {
        self.items.iter().find(|item| item.prefix == prefix)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Route> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's metric.
    pub fn total_metric(&self) -> u128 {
        self.items.iter().map(|item| item.metric as u128).sum()
    }

    /// Returns the items whose metric is at least `minimum`.
    pub fn at_least(&self, minimum: u32) -> impl Iterator<Item = &Route> + '_ {
        self.items.iter().filter(move |item| item.metric >= minimum)
    }
}

impl<'a> IntoIterator for &'a RouteRegistry {
    type Item = &'a Route;
    type IntoIter = std::slice::Iter<'a, Route>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Route> for RouteRegistry {
    fn from_iter<I: IntoIterator<Item = Route>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = Route::new("alpha", "alpha", 42);
        assert_eq!(item.prefix(), "alpha");
    }

    #[test]
    fn display_is_braced() {
        let text = Route::new("alpha", "alpha", 42).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("Route("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: Route = "alpha, alpha, 42".parse().expect("valid input");
        assert_eq!(parsed, Route::new("alpha", "alpha", 42));
        assert!("".parse::<Route>().is_err());
    }
}
