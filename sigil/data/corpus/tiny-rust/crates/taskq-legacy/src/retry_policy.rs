
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    backoff_ms: u64,
}

impl RetryPolicy {
    pub fn new(max_attempts: u32, backoff_ms: u64) -> Self {
        Self { max_attempts, backoff_ms }
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub fn backoff_ms(&self) -> u64 {
        self.backoff_ms
    }

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseRetryPolicyError {
    FieldCount(usize),
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
