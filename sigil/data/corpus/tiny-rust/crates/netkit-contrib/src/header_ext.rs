//! An HTTP header: the `HeaderSet` type.

use std::fmt;
use std::str::FromStr;

/// An HTTP header.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderSet {
    name: String,
    value: String,
}

impl HeaderSet {
    /// Creates a `HeaderSet` from its parts.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self { name: name.into(), value: value.into() }
    }

    /// Returns the name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the value.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for HeaderSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HeaderSet({}, {})", self.name, self.value)
    }
}

/// Why a `HeaderSet` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseHeaderSetError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseHeaderSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseHeaderSetError {}

impl FromStr for HeaderSet {
    type Err = ParseHeaderSetError;

    /// Parses `name, value` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseHeaderSetError::FieldCount(parts.len()));
        }
        let name = parts[0].to_string();
        let value = parts[1].to_string();
        Ok(Self { name, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = HeaderSet::new("alpha", "alpha");
        assert_eq!(item.name(), "alpha");
    }

    #[test]
    fn display_is_braced() {
        let text = HeaderSet::new("alpha", "alpha").to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("HeaderSet("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: HeaderSet = "alpha, alpha".parse().expect("valid input");
        assert_eq!(parsed, HeaderSet::new("alpha", "alpha"));
        assert!("".parse::<HeaderSet>().is_err());
    }
}
