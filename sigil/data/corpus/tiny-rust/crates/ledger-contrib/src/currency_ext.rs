//! An ISO 4217 currency with its minor unit: the `CurrencySet` type.

use std::fmt;

/// An ISO 4217 currency with its minor unit.
#[derive(Debug, Clone, PartialEq)]
pub struct CurrencySet {
    code: String,
    minor_units: u8,
}

impl CurrencySet {
    /// Creates a `CurrencySet` from its parts.
    pub fn new(code: impl Into<String>, minor_units: u8) -> Self {
        Self { code: code.into(), minor_units }
    }

    /// Returns the code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Returns the minor units.
    pub fn minor_units(&self) -> u8 {
        self.minor_units
    }
}

impl fmt::Display for CurrencySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CurrencySet({}, {})", self.code, self.minor_units)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = CurrencySet::new("alpha", 7);
        assert_eq!(item.code(), "alpha");
    }

    #[test]
    fn display_is_braced() {
        let text = CurrencySet::new("alpha", 7).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("CurrencySet("), "unexpected {} in {text}", '}');
    }
}
