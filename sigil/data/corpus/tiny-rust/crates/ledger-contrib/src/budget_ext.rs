//! A spending limit for one category: the `Budget` type and its registry.

use std::fmt;

/// A spending limit for one category.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    category: String,
    limit_cents: i64,
    spent_cents: i64,
}

impl Budget {
    /// Creates a `Budget` from its parts.
    pub fn new(category: impl Into<String>, limit_cents: i64, spent_cents: i64) -> Self {
        Self { category: category.into(), limit_cents, spent_cents }
    }

    /// Returns the category.
    pub fn category(&self) -> &str {
        &self.category
    }

    /// Returns the limit cents.
    pub fn limit_cents(&self) -> i64 {
        self.limit_cents
    }

    /// Returns the spent cents.
    pub fn spent_cents(&self) -> i64 {
        self.spent_cents
    }

    /// Returns a copy with the spent cents replaced.
    #[must_use]
    pub fn with_spent_cents(mut self, spent_cents: i64) -> Self {
        self.spent_cents = spent_cents;
        self
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Budget({}, {}, {})", self.category, self.limit_cents, self.spent_cents)
    }
}

/// An ordered collection of [`Budget`] values.
#[derive(Debug, Default, Clone)]
pub struct BudgetRegistry {
    items: Vec<Budget>,
}

impl BudgetRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Budget) {
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

    /// Finds the first item whose category matches.
    pub fn find(&self, category: &str) -> Option<&Budget> {
        self.items.iter().find(|item| item.category == category)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Budget> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's spent cents.
    pub fn total_spent_cents(&self) -> u128 {
        self.items.iter().map(|item| item.spent_cents as u128).sum()
    }

    /// Returns the items whose spent cents is at least `minimum`.
    pub fn at_least(&self, minimum: i64) -> impl Iterator<Item = &Budget> + '_ {
        self.items.iter().filter(move |item| item.spent_cents >= minimum)
    }
}

impl<'a> IntoIterator for &'a BudgetRegistry {
    type Item = &'a Budget;
    type IntoIter = std::slice::Iter<'a, Budget>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Budget> for BudgetRegistry {
    fn from_iter<I: IntoIterator<Item = Budget>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
