//! An alert threshold on a metric: the `Threshold` type and its registry.

use std::fmt;
use std::str::FromStr;

/// An alert threshold on a metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    metric: String,
    limit: f64,
}

impl Threshold {
    /// Creates a `Threshold` from its parts.
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

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Threshold({}, {})", self.metric, self.limit)
    }
}

/// Why a `Threshold` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseThresholdError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseThresholdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseThresholdError {}

impl FromStr for Threshold {
    type Err = ParseThresholdError;

    /// Parses `metric, limit` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseThresholdError::FieldCount(parts.len()));
        }
        let metric = parts[0].to_string();
        let limit = parts[1]
            .parse::<f64>()
            .map_err(|_| ParseThresholdError::InvalidField("limit"))?;
        Ok(Self { metric, limit })
    }
}

/// An ordered collection of [`Threshold`] values.
#[derive(Debug, Default, Clone)]
pub struct ThresholdRegistry {
    items: Vec<Threshold>,
}

impl ThresholdRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Threshold) {
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

    /// Finds the first item whose metric matches.
    pub fn find(&self, metric: &str) -> Option<&Threshold> {
        self.items.iter().find(|item| item.metric == metric)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Threshold> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's limit.
    pub fn total_limit(&self) -> f64 {
        self.items.iter().map(|item| item.limit).sum()
    }

    /// Returns the item with the largest limit, if any.
    pub fn max_by_limit(&self) -> Option<&Threshold> {
        self.items
            .iter()
            .max_by(|a, b| a.limit.total_cmp(&b.limit))
    }
}

impl<'a> IntoIterator for &'a ThresholdRegistry {
    type Item = &'a Threshold;
    type IntoIter = std::slice::Iter<'a, Threshold>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Threshold> for ThresholdRegistry {
    fn from_iter<I: IntoIterator<Item = Threshold>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = Threshold::new("alpha", 2.5);
        assert_eq!(item.metric(), "alpha");
    }

    #[test]
    fn display_is_braced() {
        let text = Threshold::new("alpha", 2.5).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("Threshold("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: Threshold = "alpha, 2.5".parse().expect("valid input");
        assert_eq!(parsed, Threshold::new("alpha", 2.5));
        assert!("".parse::<Threshold>().is_err());
    }
}
