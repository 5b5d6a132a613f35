//! An ISO 4217 currency with its minor unit: the `Currency` type and its registry.

use std::fmt;
use std::str::FromStr;

/// An ISO 4217 currency with its minor unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Currency {
    code: String,
    minor_units: u8,
}

impl Currency {
    /// Creates a `Currency` from its parts.
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

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({}, {})", self.code, self.minor_units)
    }
}

/// Why a `Currency` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseCurrencyError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseCurrencyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseCurrencyError {}

impl FromStr for Currency {
    type Err = ParseCurrencyError;

    /// Parses `code, minor_units` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseCurrencyError::FieldCount(parts.len()));
        }
        let code = parts[0].to_string();
        let minor_units = parts[1]
            .parse::<u8>()
            .map_err(|_| ParseCurrencyError::InvalidField("minor_units"))?;
        Ok(Self { code, minor_units })
    }
}

/// An ordered collection of [`Currency`] values.
#[derive(Debug, Default, Clone)]
pub struct CurrencyRegistry {
    items: Vec<Currency>,
}

impl CurrencyRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Currency) {
        self.items.push(item);
    }

    /// Returns how many items the registry holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Returns `true` when the registry holds no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Finds the first item whose code matches.
    pub fn find(&self, code: &str) -> Option<&Currency> {
        self.items.iter().find(|item| item.code == code)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Currency> + '_ {
        self.items.iter()
    }
}

impl<'a> IntoIterator for &'a CurrencyRegistry {
    type Item = &'a Currency;
    type IntoIter = std::slice::Iter<'a, Currency>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Currency> for CurrencyRegistry {
    fn from_iter<I: IntoIterator<Item = Currency>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
