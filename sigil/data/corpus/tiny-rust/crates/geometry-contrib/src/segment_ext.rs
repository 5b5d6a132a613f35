//! A line segment between two points: the `SegmentSet` type.

use std::fmt;

/// A line segment between two points.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentSet {
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
}

impl SegmentSet {
    /// Creates a `SegmentSet` from its parts.
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

impl fmt::Display for SegmentSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SegmentSet({}, {}, {}, {})", self.x1, self.y1, self.x2, self.y2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = SegmentSet::new(2.5, 2.5, 2.5, 2.5);
        assert_eq!(item.x1(), 2.5);
    }

    #[test]
    fn display_is_braced() {
        let text = SegmentSet::new(2.5, 2.5, 2.5, 2.5).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("SegmentSet("), "unexpected {} in {text}", '}');
    }
}
