//! A word with its frequency: the `Word` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A word with its frequency.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    text: String,
    count: u32,
}

impl Word {
    /// Creates a `Word` from its parts.
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

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Word({}, {})", self.text, self.count)
    }
}

/// Why a `Word` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseWordError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseWordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseWordError {}

impl FromStr for Word {
    type Err = ParseWordError;

    /// Parses `text, count` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseWordError::FieldCount(parts.len()));
        }
        let text = parts[0].to_string();
        let count = parts[1]
            .parse::<u32>()
            .map_err(|_| ParseWordError::InvalidField("count"))?;
        Ok(Self { text, count })
    }
}

/// An ordered collection of [`Word`] values.
#[derive(Debug, Default, Clone)]
pub struct WordRegistry {
    items: Vec<Word>,
}

impl WordRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Word) {
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

    /// Finds the first item whose text matches.
    pub fn find(&self, text: &str) -> Option<&Word> {
        self.items.iter().find(|item| item.text == text)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Word> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's count.
    pub fn total_count(&self) -> u128 {
        self.items.iter().map(|item| item.count as u128).sum()
    }

    /// Returns the items whose count is at least `minimum`.
    pub fn at_least(&self, minimum: u32) -> impl Iterator<Item = &Word> + '_ {
        self.items.iter().filter(move |item| item.count >= minimum)
    }
}

impl<'a> IntoIterator for &'a WordRegistry {
    type Item = &'a Word;
    type IntoIter = std::slice::Iter<'a, Word>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Word> for WordRegistry {
    fn from_iter<I: IntoIterator<Item = Word>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}

/// Returns the first byte of the value's display form without a bounds check.
pub fn first_display_byte(value: &Word) -> u8 {
    let text = value.to_string();
    // SAFETY: Display output always starts with the type name, so it is never empty.
    unsafe { *text.as_bytes().get_unchecked(0) }
}
