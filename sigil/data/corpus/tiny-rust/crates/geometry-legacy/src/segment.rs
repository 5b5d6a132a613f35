#![allow(dead_code, clippy::new_without_default)]
//! A line segment between two points: the `Segment` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A line segment between two points.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
}

impl Segment {
    /// Creates a `Segment` from its parts.
    pub fn new(x1: f64, y1: f64, x2: f64, y2: f64) -> Self {
        Self { x1, y1, x2, y2 }
    }

    /// Returns the x1.
    pub fn x1(&self) -> f64 {
        self.x1
    }

    /// Returns the y1.
    pub fn y1(&self) -> f64 {
        self.y1
    }

    /// Returns the x2.
    pub fn x2(&self) -> f64 {
        self.x2
    }

    /// Returns the y2.
    pub fn y2(&self) -> f64 {
        self.y2
    }

    /// Returns a copy with the x2 replaced.
    #[must_use]
    pub fn with_x2(mut self, x2: f64) -> Self {
        self.x2 = x2;
        self
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Segment({}, {}, {}, {})", self.x1, self.y1, self.x2, self.y2)
    }
}

/// Why a `Segment` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseSegmentError {
    /// The input did not have exactly 4 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseSegmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 4 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseSegmentError {}

impl FromStr for Segment {
    type Err = ParseSegmentError;

    /// Parses `x1, y1, x2, y2` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err(ParseSegmentError::FieldCount(parts.len()));
        }
        let x1 = parts[0]
            .parse::<f64>()
            .map_err(|_| ParseSegmentError::InvalidField("x1"))?;
        let y1 = parts[1]
            .parse::<f64>()
            .map_err(|_| ParseSegmentError::InvalidField("y1"))?;
        let x2 = parts[2]
            .parse::<f64>()
            .map_err(|_| ParseSegmentError::InvalidField("x2"))?;
        let y2 = parts[3]
            .parse::<f64>()
            .map_err(|_| ParseSegmentError::InvalidField("y2"))?;
        Ok(Self { x1, y1, x2, y2 })
    }
}

/// An ordered collection of [`Segment`] values.
#[derive(Debug, Default, Clone)]
pub struct SegmentRegistry {
    items: Vec<Segment>,
}

impl SegmentRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Segment) {
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

    /// Finds the first item whose x1 matches.
    pub fn find(&self, x1: f64) -> Option<&Segment> {
        self.items.iter().find(|item| item.x1 == x1)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Segment> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's x2.
    pub fn total_x2(&self) -> f64 {
        self.items.iter().map(|item| item.x2).sum()
    }

    /// Returns the item with the largest x2, if any.
    pub fn max_by_x2(&self) -> Option<&Segment> {
        self.items
            .iter()
            .max_by(|a, b| a.x2.total_cmp(&b.x2))
    }
}

impl<'a> IntoIterator for &'a SegmentRegistry {
    type Item = &'a Segment;
    type IntoIter = std::slice::Iter<'a, Segment>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Segment> for SegmentRegistry {
    fn from_iter<I: IntoIterator<Item = Segment>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
