//! A movement of money between two accounts: the `Transfer` type and its registry.

use std::fmt;

/// A movement of money between two accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    from: u64,
    to: u64,
    amount_cents: i64,
}

impl Transfer {
    /// Creates a `Transfer` from its parts.
    pub fn new(from: u64, to: u64, amount_cents: i64) -> Self {
        Self { from, to, amount_cents }
    }

    /// Returns the from.
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

/// An ordered collection of [`Transfer`] values.
#[derive(Debug, Default, Clone)]
pub struct TransferRegistry {
    items: Vec<Transfer>,
}

impl TransferRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Transfer) {
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

    /// Finds the first item whose from matches.
    pub fn find(&self, from: u64) -> Option<&Transfer> {
        self.items.iter().find(|item| item.from == from)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Transfer> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's amount cents.
    pub fn total_amount_cents(&self) -> u128 {
        self.items.iter().map(|item| item.amount_cents as u128).sum()
    }

    /// Returns the items whose amount cents is at least `minimum`.
    pub fn at_least(&self, minimum: i64) -> impl Iterator<Item = &Transfer> + '_ {
        self.items.iter().filter(move |item| item.amount_cents >= minimum)
    }
}

impl<'a> IntoIterator for &'a TransferRegistry {
    type Item = &'a Transfer;
    type IntoIter = std::slice::Iter<'a, Transfer>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Transfer> for TransferRegistry {
    fn from_iter<I: IntoIterator<Item = Transfer>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
