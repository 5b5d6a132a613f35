//! A named value that goes up and down: the `Gauge` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A named value that goes up and down.
#[derive(Debug, Clone, PartialEq)]
pub struct Gauge {
    name: String,
    value: i64,
}

impl Gauge {
    /// Creates a `Gauge` from its parts.
    pub fn new(name: impl Into<String>, value: i64) -> Self {
        Self { name: name.into(), value }
    }

    /// Returns the name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the value.
    pub fn value(&self) -> i64 {
        self.value
    }

    /// Returns a copy with the value replaced.
    #[must_use]
    pub fn with_value(mut self, value: i64) -> Self {
        self.value = value;
        self
    }
}

impl fmt::Display for Gauge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gauge({}, {})", self.name, self.value)
    }
}

/// Why a `Gauge` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseGaugeError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseGaugeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseGaugeError {}

impl FromStr for Gauge {
    type Err = ParseGaugeError;

    /// Parses `name, value` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseGaugeError::FieldCount(parts.len()));
        }
        let name = parts[0].to_string();
        let value = parts[1]
            .parse::<i64>()
            .map_err(|_| ParseGaugeError::InvalidField("value"))?;
        Ok(Self { name, value })
    }
}

/// An ordered collection of [`Gauge`] values.
#[derive(Debug, Default, Clone)]
pub struct GaugeRegistry {
    items: Vec<Gauge>,
}

impl GaugeRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Gauge) {
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

    /// Finds the first item whose name matches.
    pub fn find(&self, name: &str) -> Option<&Gauge> {
        self.items.iter().find(|item| item.name == name)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Gauge> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's value.
    pub fn total_value(&self) -> u128 {
        self.items.iter().map(|item| item.value as u128).sum()
    }

    /// Returns the items whose value is at least `minimum`.
    pub fn at_least(&self, minimum: i64) -> impl Iterator<Item = &Gauge> + '_ {
        self.items.iter().filter(move |item| item.value >= minimum)
    }
}

impl<'a> IntoIterator for &'a GaugeRegistry {
    type Item = &'a Gauge;
    type IntoIter = std::slice::Iter<'a, Gauge>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Gauge> for GaugeRegistry {
    fn from_iter<I: IntoIterator<Item = Gauge>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
