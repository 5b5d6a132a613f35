//! How often and how long to retry a failed job: the `RetryPolicy` type.

use std::fmt;
use std::str::FromStr;

/// How often and how long to retry a failed job.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    backoff_ms: u64,
}

impl RetryPolicy {
    /// Creates a `RetryPolicy` from its parts.
    pub fn new(max_attempts: u32, backoff_ms: u64) -> Self {
        Self { max_attempts, backoff_ms }
    }

    /// Returns the max attempts.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Returns the backoff ms.
    pub fn backoff_ms(&self) -> u64 {
        self.backoff_ms
    }

    /// Returns a copy with the backoff ms replaced.
    #[must_use]
    pub fn with_backoff_ms(mut self, backoff_ms: u64) -> Self {
        self.backoff_ms = backoff_ms;
        self
    }
}

impl fmt::Display for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RetryPolicy({}, {})", self.max_attempts, self.backoff_ms)
    }
}

/// Why a `RetryPolicy` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseRetryPolicyError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseRetryPolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseRetryPolicyError {}

impl FromStr for RetryPolicy {
    type Err = ParseRetryPolicyError;

    /// Parses `max_attempts, backoff_ms` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseRetryPolicyError::FieldCount(parts.len()));
        }
        let max_attempts = parts[0]
            .parse::<u32>()
            .map_err(|_| ParseRetryPolicyError::InvalidField("max_attempts"))?;
        let backoff_ms = parts[1]
            .parse::<u64>()
            .map_err(|_| ParseRetryPolicyError::InvalidField("backoff_ms"))?;
        Ok(Self { max_attempts, backoff_ms })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = RetryPolicy::new(42, 1001);
        assert_eq!(item.max_attempts(), 42);
    }

    #[test]
    fn display_is_braced() {
        let text = RetryPolicy::new(42, 1001).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("RetryPolicy("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: RetryPolicy = "42, 1001".parse().expect("valid input");
        assert_eq!(parsed, RetryPolicy::new(42, 1001));
        assert!("".parse::<RetryPolicy>().is_err());
    }
}
