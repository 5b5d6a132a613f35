//! A spending limit for one category: the `Budget` type.

use std::fmt;
use std::str::FromStr;

/// A spending limit for one category.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    category: String,
    limit_cents: i64,
    spent_cents: i64,
}

impl Budget {
    /// Creates a `Budget` from its parts.
    pub fn new(category: impl Into<String>, limit_cents: i64, spent_cents: i64) -> Self {
        Self { category: category.into(), limit_cents, spent_cents }
    }

    /// Returns the category.
    pub fn category(&self) -> &str {
        &self.category
    }

    /// Returns the limit cents.
    pub fn limit_cents(&self) -> i64 {
        self.limit_cents
    }

    /// Returns the spent cents.
    pub fn spent_cents(&self) -> i64 {
        self.spent_cents
    }

    /// Returns a copy with the spent cents replaced.
    #[must_use]
    pub fn with_spent_cents(mut self, spent_cents: i64) -> Self {
        self.spent_cents = spent_cents;
        self
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Budget({}, {}, {})", self.category, self.limit_cents, self.spent_cents)
    }
}

/// Why a `Budget` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseBudgetError {
    /// The input did not have exactly 3 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseBudgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseBudgetError {}

impl FromStr for Budget {
    type Err = ParseBudgetError;

    /// Parses `category, limit_cents, spent_cents` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseBudgetError::FieldCount(parts.len()));
        }
        let category = parts[0].to_string();
        let limit_cents = parts[1]
            .parse::<i64>()
            .map_err(|_| ParseBudgetError::InvalidField("limit_cents"))?;
        let spent_cents = parts[2]
            .parse::<i64>()
            .map_err(|_| ParseBudgetError::InvalidField("spent_cents"))?;
        Ok(Self { category, limit_cents, spent_cents })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = Budget::new("alpha", -250, -250);
        assert_eq!(item.category(), "alpha");
    }

    #[test]
    fn display_is_braced() {
        let text = Budget::new("alpha", -250, -250).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("Budget("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: Budget = "alpha, -250, -250".parse().expect("valid input");
        assert_eq!(parsed, Budget::new("alpha", -250, -250));
        assert!("".parse::<Budget>().is_err());
    }
}
