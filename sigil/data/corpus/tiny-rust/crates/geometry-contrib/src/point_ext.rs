//! A point in the plane: the `PointSet` type.

use std::fmt;

/// A point in the plane.
#[derive(Debug, Clone, PartialEq)]
pub struct PointSet {
    x: f64,
    y: f64,
}

impl PointSet {
    /// Creates a `PointSet` from its parts.
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

impl fmt::Display for PointSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PointSet({}, {})", self.x, self.y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = PointSet::new(2.5, 2.5);
        assert_eq!(item.x(), 2.5);
    }

    #[test]
    fn display_is_braced() {
        let text = PointSet::new(2.5, 2.5).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("PointSet("), "unexpected {} in {text}", '}');
    }
}
