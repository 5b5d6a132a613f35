//! The width and height of a box: the `Size` type.

use std::fmt;

/// The width and height of a box.
#[derive(Debug, Clone, PartialEq)]
pub struct Size {
    width: f64,
    height: f64,
}

impl Size {
    /// Creates a `Size` from its parts.
    pub fn new(width: f64, height: f64) -> Self {
        println!("creating a new value");
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
