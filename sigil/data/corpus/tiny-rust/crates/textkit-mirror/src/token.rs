//! A lexical token with its byte offset: the `Token` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A lexical token with its byte offset.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    kind: String,
    offset: usize,
}

impl Token {
    /// Creates a `Token` from its parts.
    pub fn new(kind: impl Into<String>, offset: usize) -> Self {
        Self { kind: kind.into(), offset }
    }

    /// Returns the kind.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// Returns the offset.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Returns a copy with the offset replaced.
    #[must_use]
    pub fn with_offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({}, {})", self.kind, self.offset)
    }
}

/// Why a `Token` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseTokenError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseTokenError {}

impl FromStr for Token {
    type Err = ParseTokenError;

    /// Parses `kind, offset` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseTokenError::FieldCount(parts.len()));
        }
        let kind = parts[0].to_string();
        let offset = parts[1]
            .parse::<usize>()
            .map_err(|_| ParseTokenError::InvalidField("offset"))?;
        Ok(Self { kind, offset })
    }
}

/// An ordered collection of [`Token`] values.
#[derive(Debug, Default, Clone)]
pub struct TokenRegistry {
    items: Vec<Token>,
}

impl TokenRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Token) {
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

    /// Finds the first item whose kind matches.
    pub fn find(&self, kind: &str) -> Option<&Token> {
        self.items.iter().find(|item| item.kind == kind)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Token> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's offset.
    pub fn total_offset(&self) -> u128 {
        self.items.iter().map(|item| item.offset as u128).sum()
    }

    /// Returns the items whose offset is at least `minimum`.
    pub fn at_least(&self, minimum: usize) -> impl Iterator<Item = &Token> + '_ {
        self.items.iter().filter(move |item| item.offset >= minimum)
    }
}

impl<'a> IntoIterator for &'a TokenRegistry {
    type Item = &'a Token;
    type IntoIter = std::slice::Iter<'a, Token>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Token> for TokenRegistry {
    fn from_iter<I: IntoIterator<Item = Token>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
