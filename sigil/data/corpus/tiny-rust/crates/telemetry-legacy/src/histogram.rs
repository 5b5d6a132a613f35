
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    name: String,
    buckets: u16,
    count: u64,
}

impl Histogram {
    pub fn new(name: impl Into<String>, buckets: u16, count: u64) -> Self {
        Self { name: name.into(), buckets, count }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn buckets(&self) -> u16 {
        self.buckets
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    #[must_use]
    pub fn with_count(mut self, count: u64) -> Self {
        self.count = count;
        self
    }
}

impl fmt::Display for Histogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Histogram({}, {}, {})", self.name, self.buckets, self.count)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseHistogramError {
    FieldCount(usize),
    InvalidField(&'static str),
}

impl fmt::Display for ParseHistogramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseHistogramError {}

impl FromStr for Histogram {
    type Err = ParseHistogramError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseHistogramError::FieldCount(parts.len()));
        }
        let name = parts[0].to_string();
        let buckets = parts[1]
            .parse::<u16>()
            .map_err(|_| ParseHistogramError::InvalidField("buckets"))?;
        let count = parts[2]
            .parse::<u64>()
            .map_err(|_| ParseHistogramError::InvalidField("count"))?;
        Ok(Self { name, buckets, count })
    }
}
