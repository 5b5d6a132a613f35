//! A token-bucket rate limit: the `RateLimit` type.

use std::fmt;
use std::str::FromStr;

/// A token-bucket rate limit.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    capacity: u32,
    refill_per_sec: u32,
}

impl RateLimit {
    /// Creates a `RateLimit` from its parts.
    pub fn new(capacity: u32, refill_per_sec: u32) -> Self {
        Self { capacity, refill_per_sec }
    }

    /// Returns the capacity.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Returns the refill per sec.
    pub fn refill_per_sec(&self) -> u32 {
        self.refill_per_sec
    }

    /// Returns a copy with the capacity replaced.
    #[must_use]
    pub fn with_capacity(mut self, capacity: u32) -> Self {
        self.capacity = capacity;
        self
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RateLimit({}, {})", self.capacity, self.refill_per_sec)
    }
}

/// Why a `RateLimit` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseRateLimitError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseRateLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseRateLimitError {}

impl FromStr for RateLimit {
    type Err = ParseRateLimitError;

    /// Parses `capacity, refill_per_sec` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseRateLimitError::FieldCount(parts.len()));
        }
        let capacity = parts[0]
            .parse::<u32>()
            .map_err(|_| ParseRateLimitError::InvalidField("capacity"))?;
        let refill_per_sec = parts[1]
            .parse::<u32>()
            .map_err(|_| ParseRateLimitError::InvalidField("refill_per_sec"))?;
        Ok(Self { capacity, refill_per_sec })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = RateLimit::new(42, 42);
        assert_eq!(item.capacity(), 42);
    }

    #[test]
    fn display_is_braced() {
        let text = RateLimit::new(42, 42).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("RateLimit("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: RateLimit = "42, 42".parse().expect("valid input");
        assert_eq!(parsed, RateLimit::new(42, 42));
        assert!("".parse::<RateLimit>().is_err());
    }
}
