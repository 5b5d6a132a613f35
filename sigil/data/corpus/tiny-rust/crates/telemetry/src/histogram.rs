//! Bucketed counts of observations: the `Histogram` type.

use std::fmt;
use std::str::FromStr;

/// Bucketed counts of observations.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    name: String,
    buckets: u16,
    count: u64,
}

impl Histogram {
    /// Creates a `Histogram` from its parts.
    pub fn new(name: impl Into<String>, buckets: u16, count: u64) -> Self {
        Self { name: name.into(), buckets, count }
    }

    /// Returns the name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the buckets.
    pub fn buckets(&self) -> u16 {
        self.buckets
    }

    /// Returns the count.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Returns a copy with the count replaced.
    #[must_use]
    pub fn with_count(mut self, count: u64) -> Self {
        self.count = count;
        self
    }
}

impl fmt::Display for Histogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Histogram({}, {}, {})", self.name, self.buckets, self.count)
    }
}

/// Why a `Histogram` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseHistogramError {
    /// The input did not have exactly 3 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseHistogramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseHistogramError {}

impl FromStr for Histogram {
    type Err = ParseHistogramError;

    /// Parses `name, buckets, count` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseHistogramError::FieldCount(parts.len()));
        }
        let name = parts[0].to_string();
        let buckets = parts[1]
            .parse::<u16>()
            .map_err(|_| ParseHistogramError::InvalidField("buckets"))?;
        let count = parts[2]
            .parse::<u64>()
            .map_err(|_| ParseHistogramError::InvalidField("count"))?;
        Ok(Self { name, buckets, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = Histogram::new("alpha", 443, 1001);
        assert_eq!(item.name(), "alpha");
    }

    #[test]
    fn display_is_braced() {
        let text = Histogram::new("alpha", 443, 1001).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("Histogram("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: Histogram = "alpha, 443, 1001".parse().expect("valid input");
        assert_eq!(parsed, Histogram::new("alpha", 443, 1001));
        assert!("".parse::<Histogram>().is_err());
    }
}
