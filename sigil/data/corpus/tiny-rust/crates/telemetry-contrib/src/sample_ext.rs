//! One timestamped measurement: the `Sample` type and its registry.

use std::fmt;
use std::str::FromStr;

/// One timestamped measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    timestamp_ms: u64,
    value: f64,
}

impl Sample {
    /// Creates a `Sample` from its parts.
    pub fn new(timestamp_ms: u64, value: f64) -> Self {
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

/// Why a `Sample` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseSampleError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseSampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseSampleError {}

impl FromStr for Sample {
    type Err = ParseSampleError;

    /// Parses `timestamp_ms, value` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseSampleError::FieldCount(parts.len()));
        }
        let timestamp_ms = parts[0]
            .parse::<u64>()
            .map_err(|_| ParseSampleError::InvalidField("timestamp_ms"))?;
        let value = parts[1]
            .parse::<f64>()
            .map_err(|_| ParseSampleError::InvalidField("value"))?;
        Ok(Self { timestamp_ms, value })
    }
}

/// An ordered collection of [`Sample`] values.
#[derive(Debug, Default, Clone)]
pub struct SampleRegistry {
    items: Vec<Sample>,
}

impl SampleRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Sample) {
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

    /// Finds the first item whose timestamp ms matches.
    pub fn find(&self, timestamp_ms: u64) -> Option<&Sample> {
        self.items.iter().find(|item| item.timestamp_ms == timestamp_ms)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Sample> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's value.
    pub fn total_value(&self) -> f64 {
        self.items.iter().map(|item| item.value).sum()
    }

    /// Returns the item with the largest value, if any.
    pub fn max_by_value(&self) -> Option<&Sample> {
        self.items
            .iter()
            .max_by(|a, b| a.value.total_cmp(&b.value))
    }
}

impl<'a> IntoIterator for &'a SampleRegistry {
    type Item = &'a Sample;
    type IntoIter = std::slice::Iter<'a, Sample>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Sample> for SampleRegistry {
    fn from_iter<I: IntoIterator<Item = Sample>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
