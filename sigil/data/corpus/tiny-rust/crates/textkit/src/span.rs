//! A byte range in a source text: the `Span` type.

use std::fmt;
use std::str::FromStr;

/// A byte range in a source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// Creates a `Span` from its parts.
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// Returns the start.
    pub fn start(&self) -> usize {
        self.start
    }

    /// Returns the end.
    pub fn end(&self) -> usize {
        self.end
    }

    /// Returns a copy with the end replaced.
    #[must_use]
    pub fn with_end(mut self, end: usize) -> Self {
        self.end = end;
        self
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Span({}, {})", self.start, self.end)
    }
}

/// Why a `Span` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseSpanError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseSpanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseSpanError {}

impl FromStr for Span {
    type Err = ParseSpanError;

    /// Parses `start, end` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseSpanError::FieldCount(parts.len()));
        }
        let start = parts[0]
            .parse::<usize>()
            .map_err(|_| ParseSpanError::InvalidField("start"))?;
        let end = parts[1]
            .parse::<usize>()
            .map_err(|_| ParseSpanError::InvalidField("end"))?;
        Ok(Self { start, end })
    }
}
