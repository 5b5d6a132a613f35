//! An HTTP header: the `Header` type and its registry.

use std::fmt;

/// An HTTP header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    name: String,
    value: String,
}

impl Header {
    /// Creates a `Header` from its parts.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self { name: name.into(), value: value.into() }
    }

    /// Returns the name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the value.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Header({}, {})", self.name, self.value)
    }
}

/// An ordered collection of [`Header`] values.
#[derive(Debug, Default, Clone)]
pub struct HeaderRegistry {
    items: Vec<Header>,
}

impl HeaderRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Header) {
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
    pub fn find(&self, name: &str) -> Option<&Header> {
        self.items.iter().find(|item| item.name == name)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Header> + '_ {
        self.items.iter()
    }
}

impl<'a> IntoIterator for &'a HeaderRegistry {
    type Item = &'a Header;
    type IntoIter = std::slice::Iter<'a, Header>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Header> for HeaderRegistry {
    fn from_iter<I: IntoIterator<Item = Header>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
