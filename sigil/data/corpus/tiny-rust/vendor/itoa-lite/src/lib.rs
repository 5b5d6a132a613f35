//! A stack buffer for integer formatting: the `Buffer` type.

use std::fmt;

/// A stack buffer for integer formatting.
#[derive(Debug, Clone, PartialEq)]
pub struct Buffer {
    len: usize,
}

impl Buffer {
    /// Creates a `Buffer` from its parts.
    pub fn new(len: usize) -> Self {
        Self { len }
    }

    /// Returns the len.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Returns a copy with the len replaced.
    #[must_use]
    pub fn with_len(mut self, len: usize) -> Self {
        self.len = len;
        self
    }
}

impl fmt::Display for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Buffer({})", self.len)
    }
}
