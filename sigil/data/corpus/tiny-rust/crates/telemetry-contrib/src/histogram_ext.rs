//! Bucketed counts of observations: the `Histogram` type and its registry.

use std::fmt;

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

/// An ordered collection of [`Histogram`] values.
#[derive(Debug, Default, Clone)]
pub struct HistogramRegistry {
    items: Vec<Histogram>,
}

impl HistogramRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Histogram) {
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
    pub fn find(&self, name: &str) -> Option<&Histogram> {
        self.items.iter().find(|item| item.name == name)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Histogram> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's count.
    pub fn total_count(&self) -> u128 {
        self.items.iter().map(|item| item.count as u128).sum()
    }

    /// Returns the items whose count is at least `minimum`.
    pub fn at_least(&self, minimum: u64) -> impl Iterator<Item = &Histogram> + '_ {
        self.items.iter().filter(move |item| item.count >= minimum)
    }
}

impl<'a> IntoIterator for &'a HistogramRegistry {
    type Item = &'a Histogram;
    type IntoIter = std::slice::Iter<'a, Histogram>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Histogram> for HistogramRegistry {
    fn from_iter<I: IntoIterator<Item = Histogram>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
