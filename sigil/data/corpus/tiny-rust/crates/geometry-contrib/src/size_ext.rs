//! The width and height of a box: the `Size` type and its registry.

use std::fmt;
use std::str::FromStr;

/// The width and height of a box.
#[derive(Debug, Clone, PartialEq)]
pub struct Size {
    width: f64,
    height: f64,
}

impl Size {
    /// Creates a `Size` from its parts.
    pub fn new(width: f64, height: f64) -> Self {
        Self { width, height }
    }

    /// Returns the width.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// Returns the height.
    pub fn height(&self) -> f64 {
        self.height
    }

    /// Returns a copy with the width replaced.
    #[must_use]
    pub fn with_width(mut self, width: f64) -> Self {
        self.width = width;
        self
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Size({}, {})", self.width, self.height)
    }
}

/// Why a `Size` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseSizeError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseSizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseSizeError {}

impl FromStr for Size {
    type Err = ParseSizeError;

    /// Parses `width, height` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseSizeError::FieldCount(parts.len()));
        }
        let width = parts[0]
            .parse::<f64>()
            .map_err(|_| ParseSizeError::InvalidField("width"))?;
        let height = parts[1]
            .parse::<f64>()
            .map_err(|_| ParseSizeError::InvalidField("height"))?;
        Ok(Self { width, height })
    }
}

/// An ordered collection of [`Size`] values.
#[derive(Debug, Default, Clone)]
pub struct SizeRegistry {
    items: Vec<Size>,
}

impl SizeRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Size) {
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

    /// Finds the first item whose width matches.
    pub fn find(&self, width: f64) -> Option<&Size> {
        self.items.iter().find(|item| item.width == width)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Size> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's width.
    pub fn total_width(&self) -> f64 {
        self.items.iter().map(|item| item.width).sum()
    }

    /// Returns the item with the largest width, if any.
    pub fn max_by_width(&self) -> Option<&Size> {
        self.items
            .iter()
            .max_by(|a, b| a.width.total_cmp(&b.width))
    }
}

impl<'a> IntoIterator for &'a SizeRegistry {
    type Item = &'a Size;
    type IntoIter = std::slice::Iter<'a, Size>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Size> for SizeRegistry {
    fn from_iter<I: IntoIterator<Item = Size>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
