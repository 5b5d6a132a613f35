//! A circle given by its centre and radius: the `Circle` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A circle given by its centre and radius.
#[derive(Debug, Clone, PartialEq)]
pub struct Circle {
    cx: f64,
    cy: f64,
    radius: f64,
}

impl Circle {
    /// Creates a `Circle` from its parts.
    pub fn new(cx: f64, cy: f64, radius: f64) -> Self {
        Self { cx, cy, radius }
    }

    /// Returns the cx.
    pub fn cx(&self) -> f64 {
        self.cx
    }

    /// Returns the cy.
    pub fn cy(&self) -> f64 {
        self.cy
    }

    /// Returns the radius.
    pub fn radius(&self) -> f64 {
        self.radius
    }

    /// Returns a copy with the radius replaced.
    #[must_use]
    pub fn with_radius(mut self, radius: f64) -> Self {
        self.radius = radius;
        self
    }
}

impl fmt::Display for Circle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Circle({}, {}, {})", self.cx, self.cy, self.radius)
    }
}

/// Why a `Circle` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseCircleError {
    /// The input did not have exactly 3 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseCircleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseCircleError {}

impl FromStr for Circle {
    type Err = ParseCircleError;

    /// Parses `cx, cy, radius` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseCircleError::FieldCount(parts.len()));
        }
        let cx = parts[0]
            .parse::<f64>()
            .map_err(|_| ParseCircleError::InvalidField("cx"))?;
        let cy = parts[1]
            .parse::<f64>()
            .map_err(|_| ParseCircleError::InvalidField("cy"))?;
        let radius = parts[2]
            .parse::<f64>()
            .map_err(|_| ParseCircleError::InvalidField("radius"))?;
        Ok(Self { cx, cy, radius })
    }
}

/// An ordered collection of [`Circle`] values.
#[derive(Debug, Default, Clone)]
pub struct CircleRegistry {
    items: Vec<Circle>,
}

impl CircleRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Circle) {
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

    /// Finds the first item whose cx matches.
    pub fn find(&self, cx: f64) -> Option<&Circle> {
        self.items.iter().find(|item| item.cx == cx)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Circle> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's radius.
    pub fn total_radius(&self) -> f64 {
        self.items.iter().map(|item| item.radius).sum()
    }

    /// Returns the item with the largest radius, if any.
    pub fn max_by_radius(&self) -> Option<&Circle> {
        self.items
            .iter()
            .max_by(|a, b| a.radius.total_cmp(&b.radius))
    }
}

impl<'a> IntoIterator for &'a CircleRegistry {
    type Item = &'a Circle;
    type IntoIter = std::slice::Iter<'a, Circle>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Circle> for CircleRegistry {
    fn from_iter<I: IntoIterator<Item = Circle>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}

/// Returns the first byte of the value's display form without a bounds check.
pub fn first_display_byte(value: &Circle) -> u8 {
    let text = value.to_string();
    // SAFETY: Display output always starts with the type name, so it is never empty.
    unsafe { *text.as_bytes().get_unchecked(0) }
}
