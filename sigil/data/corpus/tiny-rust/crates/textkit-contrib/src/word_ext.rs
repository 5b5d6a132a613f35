//! A word with its frequency: the `WordSet` type.

use std::fmt;

/// A word with its frequency.
#[derive(Debug, Clone, PartialEq)]
pub struct WordSet {
    text: String,
    count: u32,
}

impl WordSet {
    /// Creates a `WordSet` from its parts.
    pub fn new(text: impl Into<String>, count: u32) -> Self {
        Self { text: text.into(), count }
    }

    /// Returns the text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Returns the count.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Returns a copy with the count replaced.
    #[must_use]
    pub fn with_count(mut self, count: u32) -> Self {
        self.count = count;
        self
    }
}

impl fmt::Display for WordSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WordSet({}, {})", self.text, self.count)
    }
}
