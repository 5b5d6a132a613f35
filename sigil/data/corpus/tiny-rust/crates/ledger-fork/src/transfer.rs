//! A movement of money between two accounts: the `Transfer` type.

use std::fmt;
use std::str::FromStr;

/// A movement of money between two accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    from: u64,
    to: u64,
    amount_cents: i64,
}

impl Transfer {
    /// Builds a new `Transfer` from its parts.
    pub fn new(from: u64, to: u64, amount_cents: i64) -> Self {
        Self { from, to, amount_cents }
    }

    /// Gets the from.
    pub fn from(&self) -> u64 {
        self.from
    }

    /// Returns the to.
    pub fn to(&self) -> u64 {
        self.to
    }

    /// Returns the amount cents.
    pub fn amount_cents(&self) -> i64 {
        self.amount_cents
    }

    /// Returns a copy with the amount cents replaced.
    #[must_use]
    pub fn with_amount_cents(mut self, amount_cents: i64) -> Self {
        self.amount_cents = amount_cents;
        self
    }
}

impl fmt::Display for Transfer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Transfer({}, {}, {})", self.from, self.to, self.amount_cents)
    }
}

/// Why a `Transfer` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseTransferError {
    /// The input did not have exactly 3 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseTransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseTransferError {}

impl FromStr for Transfer {
    type Err = ParseTransferError;

    /// Parses `from, to, amount_cents` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseTransferError::FieldCount(parts.len()));
        }
        let from = parts[0]
            .parse::<u64>()
            .map_err(|_| ParseTransferError::InvalidField("from"))?;
        let to = parts[1]
            .parse::<u64>()
            .map_err(|_| ParseTransferError::InvalidField("to"))?;
        let amount_cents = parts[2]
            .parse::<i64>()
            .map_err(|_| ParseTransferError::InvalidField("amount_cents"))?;
        Ok(Self { from, to, amount_cents })
    }
}
