//! A byte range in a source text: the `Span` type and its registry.

use std::fmt;

/// A byte range in a source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// Creates a `Span` from its parts.
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// Returns the start.
    pub fn start(&self) -> usize {
        self.start
    }

    /// Returns the end.
    pub fn end(&self) -> usize {
        self.end
    }

    /// Returns a copy with the end replaced.
    #[must_use]
    pub fn with_end(mut self, end: usize) -> Self {
        self.end = end;
        self
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Span({}, {})", self.start, self.end)
    }
}

/// An ordered collection of [`Span`] values.
#[derive(Debug, Default, Clone)]
pub struct SpanRegistry {
    items: Vec<Span>,
}

impl SpanRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Span) {
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

    /// Finds the first item whose start matches.
    pub fn find(&self, start: usize) -> Option<&Span> {
        self.items.iter().find(|item| item.start == start)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Span> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's end.
    pub fn total_end(&self) -> u128 {
        self.items.iter().map(|item| item.end as u128).sum()
    }

    /// Returns the items whose end is at least `minimum`.
    pub fn at_least(&self, minimum: usize) -> impl Iterator<Item = &Span> + '_ {
        self.items.iter().filter(move |item| item.end >= minimum)
    }
}

impl<'a> IntoIterator for &'a SpanRegistry {
    type Item = &'a Span;
    type IntoIter = std::slice::Iter<'a, Span>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Span> for SpanRegistry {
    fn from_iter<I: IntoIterator<Item = Span>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
