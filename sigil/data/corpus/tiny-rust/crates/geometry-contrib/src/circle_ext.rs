//! A circle given by its centre and radius: the `CircleSet` type.

use std::fmt;

/// A circle given by its centre and radius.
#[derive(Debug, Clone, PartialEq)]
pub struct CircleSet {
    cx: f64,
    cy: f64,
    radius: f64,
}

impl CircleSet {
    /// Creates a `CircleSet` from its parts.
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

impl fmt::Display for CircleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CircleSet({}, {}, {})", self.cx, self.cy, self.radius)
    }
}
