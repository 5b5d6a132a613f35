//! A bill sent to a customer: the `InvoiceSet` type.

use std::fmt;

/// A bill sent to a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceSet {
    number: u32,
    customer: String,
    total_cents: i64,
}

impl InvoiceSet {
    /// Creates a `InvoiceSet` from its parts.
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

impl fmt::Display for InvoiceSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InvoiceSet({}, {}, {})", self.number, self.customer, self.total_cents)
    }
}
