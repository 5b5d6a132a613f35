//! A worker that executes jobs: the `Worker` type.

use std::fmt;
use std::str::FromStr;

/// A worker that executes jobs.
#[derive(Debug, Clone, PartialEq)]
pub struct Worker {
    id: u32,
    host: String,
    capacity: u16,
}

impl Worker {
    /// Builds a new `Worker` from its parts.
    pub fn new(id: u32, host: impl Into<String>, capacity: u16) -> Self {
        Self { id, host: host.into(), capacity }
    }

    /// Gets the id.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Returns the host.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Returns the capacity.
    pub fn capacity(&self) -> u16 {
        self.capacity
    }

    /// Returns a copy with the capacity replaced.
    #[must_use]
    pub fn with_capacity(mut self, capacity: u16) -> Self {
        self.capacity = capacity;
        self
    }
}

impl fmt::Display for Worker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Worker({}, {}, {})", self.id, self.host, self.capacity)
    }
}

/// Why a `Worker` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseWorkerError {
    /// The input did not have exactly 3 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseWorkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseWorkerError {}

impl FromStr for Worker {
    type Err = ParseWorkerError;

    /// Parses `id, host, capacity` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseWorkerError::FieldCount(parts.len()));
        }
        let id = parts[0]
            .parse::<u32>()
            .map_err(|_| ParseWorkerError::InvalidField("id"))?;
        let host = parts[1].to_string();
        let capacity = parts[2]
            .parse::<u16>()
            .map_err(|_| ParseWorkerError::InvalidField("capacity"))?;
        Ok(Self { id, host, capacity })
    }
}
