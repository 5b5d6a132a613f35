//! A customer account holding a balance in cents: the `AccountSet` type.

use std::fmt;

/// A customer account holding a balance in cents.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountSet {
    id: u64,
    owner: String,
    balance_cents: i64,
}

impl AccountSet {
    /// Creates a `AccountSet` from its parts.
    pub fn new(id: u64, owner: impl Into<String>, balance_cents: i64) -> Self {
        Self { id, owner: owner.into(), balance_cents }
    }

    /// Returns the id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Returns the owner.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Returns the balance cents.
    pub fn balance_cents(&self) -> i64 {
        self.balance_cents
    }

    /// Returns a copy with the balance cents replaced.
    #[must_use]
    pub fn with_balance_cents(mut self, balance_cents: i64) -> Self {
        self.balance_cents = balance_cents;
        self
    }
}

impl fmt::Display for AccountSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountSet({}, {}, {})", self.id, self.owner, self.balance_cents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = AccountSet::new(1001, "alpha", -250);
        assert_eq!(item.id(), 1001);
    }

    #[test]
    fn display_is_braced() {
        let text = AccountSet::new(1001, "alpha", -250).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("AccountSet("), "unexpected {} in {text}", '}');
    }
}
