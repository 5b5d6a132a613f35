//! A lexical token with its byte offset: the `TokenSet` type.

use std::fmt;

/// A lexical token with its byte offset.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenSet {
    kind: String,
    offset: usize,
}

impl TokenSet {
    /// Creates a `TokenSet` from its parts.
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

impl fmt::Display for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenSet({}, {})", self.kind, self.offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = TokenSet::new("alpha", 12);
        assert_eq!(item.kind(), "alpha");
    }

    #[test]
    fn display_is_braced() {
        let text = TokenSet::new("alpha", 12).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("TokenSet("), "unexpected {} in {text}", '}');
    }
}
