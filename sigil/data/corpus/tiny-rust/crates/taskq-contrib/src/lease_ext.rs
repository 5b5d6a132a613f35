//! A time-limited claim on a job: the `LeaseSet` type.

use std::fmt;
use std::str::FromStr;

/// A time-limited claim on a job.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaseSet {
    job: u64,
    worker: u32,
    expires_ms: u64,
}

impl LeaseSet {
    /// Creates a `LeaseSet` from its parts.
    pub fn new(job: u64, worker: u32, expires_ms: u64) -> Self {
        Self { job, worker, expires_ms }
    }

    /// Returns the job.
    pub fn job(&self) -> u64 {
        self.job
    }

    /// Returns the worker.
    pub fn worker(&self) -> u32 {
        self.worker
    }

    /// Returns the expires ms.
    pub fn expires_ms(&self) -> u64 {
        self.expires_ms
    }

    /// Returns a copy with the expires ms replaced.
    #[must_use]
    pub fn with_expires_ms(mut self, expires_ms: u64) -> Self {
        self.expires_ms = expires_ms;
        self
    }
}

impl fmt::Display for LeaseSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LeaseSet({}, {}, {})", self.job, self.worker, self.expires_ms)
    }
}

/// Why a `LeaseSet` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseLeaseSetError {
    /// The input did not have exactly 3 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseLeaseSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseLeaseSetError {}

impl FromStr for LeaseSet {
    type Err = ParseLeaseSetError;

    /// Parses `job, worker, expires_ms` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseLeaseSetError::FieldCount(parts.len()));
        }
        let job = parts[0]
            .parse::<u64>()
            .map_err(|_| ParseLeaseSetError::InvalidField("job"))?;
        let worker = parts[1]
            .parse::<u32>()
            .map_err(|_| ParseLeaseSetError::InvalidField("worker"))?;
        let expires_ms = parts[2]
            .parse::<u64>()
            .map_err(|_| ParseLeaseSetError::InvalidField("expires_ms"))?;
        Ok(Self { job, worker, expires_ms })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = LeaseSet::new(1001, 42, 1001);
        assert_eq!(item.job(), 1001);
    }

    #[test]
    fn display_is_braced() {
        let text = LeaseSet::new(1001, 42, 1001).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("LeaseSet("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: LeaseSet = "1001, 42, 1001".parse().expect("valid input");
        assert_eq!(parsed, LeaseSet::new(1001, 42, 1001));
        assert!("".parse::<LeaseSet>().is_err());
    }
}
