//! A point in the plane: the `Point` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A point in the plane.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    x: f64,
    y: f64,
}

impl Point {
    /// Creates a `Point` from its parts.
    pub fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    /// Returns the x.
    pub fn x(&self) -> f64 {
        self.x
    }

    /// Returns the y.
    pub fn y(&self) -> f64 {
        self.y
    }

    /// Returns a copy with the x replaced.
    #[must_use]
    pub fn with_x(mut self, x: f64) -> Self {
        self.x = x;
        self
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Point({}, {})", self.x, self.y)
    }
}

/// Why a `Point` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsePointError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParsePointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParsePointError {}

impl FromStr for Point {
    type Err = ParsePointError;

    /// Parses `x, y` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParsePointError::FieldCount(parts.len()));
        }
        let x = parts[0]
            .parse::<f64>()
            .map_err(|_| ParsePointError::InvalidField("x"))?;
        let y = parts[1]
            .parse::<f64>()
            .map_err(|_| ParsePointError::InvalidField("y"))?;
        Ok(Self { x, y })
    }
}

/// An ordered collection of [`Point`] values.
#[derive(Debug, Default, Clone)]
pub struct PointRegistry {
    items: Vec<Point>,
}

impl PointRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Point) {
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

    /// Finds the first item whose x matches.
    pub fn find(&self, x: f64) -> Option<&Point> {
        self.items.iter().find(|item| item.x == x)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Point> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's x.
    pub fn total_x(&self) -> f64 {
        self.items.iter().map(|item| item.x).sum()
    }

    /// Returns the item with the largest x, if any.
    pub fn max_by_x(&self) -> Option<&Point> {
        self.items
            .iter()
            .max_by(|a, b| a.x.total_cmp(&b.x))
    }
}

impl<'a> IntoIterator for &'a PointRegistry {
    type Item = &'a Point;
    type IntoIter = std::slice::Iter<'a, Point>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Point> for PointRegistry {
    fn from_iter<I: IntoIterator<Item = Point>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
