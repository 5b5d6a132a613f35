
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    capacity: u32,
    refill_per_sec: u32,
}

impl RateLimit {
    pub fn new(capacity: u32, refill_per_sec: u32) -> Self {
        Self { capacity, refill_per_sec }
    }

    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    pub fn refill_per_sec(&self) -> u32 {
        self.refill_per_sec
    }

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseRateLimitError {
    FieldCount(usize),
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
