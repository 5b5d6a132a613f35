#![allow(dead_code, clippy::new_without_default)]
//! A text style: the `Style` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A text style.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    name: String,
    bold: bool,
    size: u8,
}

impl Style {
    /// Creates a `Style` from its parts.
    pub fn new(name: impl Into<String>, bold: bool, size: u8) -> Self {
        Self { name: name.into(), bold, size }
    }

    /// Returns the name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the bold.
    pub fn bold(&self) -> bool {
        self.bold
    }

    /// Returns the size.
    pub fn size(&self) -> u8 {
        self.size
    }

    /// Returns a copy with the size replaced.
    #[must_use]
    pub fn with_size(mut self, size: u8) -> Self {
        self.size = size;
        self
    }
}

impl fmt::Display for Style {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Style({}, {}, {})", self.name, self.bold, self.size)
    }
}

/// Why a `Style` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseStyleError {
    /// The input did not have exactly 3 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseStyleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseStyleError {}

impl FromStr for Style {
    type Err = ParseStyleError;

    /// Parses `name, bold, size` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseStyleError::FieldCount(parts.len()));
        }
        let name = parts[0].to_string();
        let bold = parts[1]
            .parse::<bool>()
            .map_err(|_| ParseStyleError::InvalidField("bold"))?;
        let size = parts[2]
            .parse::<u8>()
            .map_err(|_| ParseStyleError::InvalidField("size"))?;
        Ok(Self { name, bold, size })
    }
}

/// An ordered collection of [`Style`] values.
#[derive(Debug, Default, Clone)]
pub struct StyleRegistry {
    items: Vec<Style>,
}

impl StyleRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Style) {
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
    pub fn find(&self, name: &str) -> Option<&Style> {
        self.items.iter().find(|item| item.name == name)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Style> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's size.
    pub fn total_size(&self) -> u128 {
        self.items.iter().map(|item| item.size as u128).sum()
    }

    /// Returns the items whose size is at least `minimum`.
    pub fn at_least(&self, minimum: u8) -> impl Iterator<Item = &Style> + '_ {
        self.items.iter().filter(move |item| item.size >= minimum)
    }
}

impl<'a> IntoIterator for &'a StyleRegistry {
    type Item = &'a Style;
    type IntoIter = std::slice::Iter<'a, Style>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Style> for StyleRegistry {
    fn from_iter<I: IntoIterator<Item = Style>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
