//! A bill sent to a customer: the `Invoice` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A bill sent to a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    number: u32,
    customer: String,
    total_cents: i64,
}

impl Invoice {
    /// Creates a `Invoice` from its parts.
    pub fn new(number: u32, customer: impl Into<String>, total_cents: i64) -> Self {
        Self { number, customer: customer.into(), total_cents }
    }

    /// Returns the number.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// Returns the customer.
    pub fn customer(&self) -> &str {
        &self.customer
    }

    /// Returns the total cents.
    pub fn total_cents(&self) -> i64 {
        self.total_cents
    }

    /// Returns a copy with the total cents replaced.
    #[must_use]
    pub fn with_total_cents(mut self, total_cents: i64) -> Self {
        self.total_cents = total_cents;
        self
    }
}

impl fmt::Display for Invoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Invoice({}, {}, {})", self.number, self.customer, self.total_cents)
    }
}

/// Why a `Invoice` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseInvoiceError {
    /// The input did not have exactly 3 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseInvoiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseInvoiceError {}

impl FromStr for Invoice {
    type Err = ParseInvoiceError;

    /// Parses `number, customer, total_cents` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseInvoiceError::FieldCount(parts.len()));
        }
        let number = parts[0]
            .parse::<u32>()
            .map_err(|_| ParseInvoiceError::InvalidField("number"))?;
        let customer = parts[1].to_string();
        let total_cents = parts[2]
            .parse::<i64>()
            .map_err(|_| ParseInvoiceError::InvalidField("total_cents"))?;
        Ok(Self { number, customer, total_cents })
    }
}

/// An ordered collection of [`Invoice`] values.
#[derive(Debug, Default, Clone)]
pub struct InvoiceRegistry {
    items: Vec<Invoice>,
}

impl InvoiceRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Invoice) {
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

    /// Finds the first item whose number matches.
    pub fn find(&self, number: u32) -> Option<&Invoice> {
        self.items.iter().find(|item| item.number == number)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Invoice> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's total cents.
    pub fn total_total_cents(&self) -> u128 {
        self.items.iter().map(|item| item.total_cents as u128).sum()
    }

    /// Returns the items whose total cents is at least `minimum`.
    pub fn at_least(&self, minimum: i64) -> impl Iterator<Item = &Invoice> + '_ {
        self.items.iter().filter(move |item| item.total_cents >= minimum)
    }
}

impl<'a> IntoIterator for &'a InvoiceRegistry {
    type Item = &'a Invoice;
    type IntoIter = std::slice::Iter<'a, Invoice>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Invoice> for InvoiceRegistry {
    fn from_iter<I: IntoIterator<Item = Invoice>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = Invoice::new(42, "alpha", -250);
        assert_eq!(item.number(), 42);
    }

    #[test]
    fn display_is_braced() {
        let text = Invoice::new(42, "alpha", -250).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("Invoice("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: Invoice = "42, alpha, -250".parse().expect("valid input");
        assert_eq!(parsed, Invoice::new(42, "alpha", -250));
        assert!("".parse::<Invoice>().is_err());
    }
}
