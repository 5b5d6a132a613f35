//! A customer account holding a balance in cents: the `Account` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A customer account holding a balance in cents.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    id: u64,
    owner: String,
    balance_cents: i64,
}

impl Account {
    /// Creates a `Account` from its parts.
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

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Account({}, {}, {})", self.id, self.owner, self.balance_cents)
    }
}

/// Why a `Account` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseAccountError {
    /// The input did not have exactly 3 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseAccountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseAccountError {}

impl FromStr for Account {
    type Err = ParseAccountError;

    /// Parses `id, owner, balance_cents` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseAccountError::FieldCount(parts.len()));
        }
        let id = parts[0]
            .parse::<u64>()
            .map_err(|_| ParseAccountError::InvalidField("id"))?;
        let owner = parts[1].to_string();
        let balance_cents = parts[2]
            .parse::<i64>()
            .map_err(|_| ParseAccountError::InvalidField("balance_cents"))?;
        Ok(Self { id, owner, balance_cents })
    }
}

/// An ordered collection of [`Account`] values.
#[derive(Debug, Default, Clone)]
pub struct AccountRegistry {
    items: Vec<Account>,
}

impl AccountRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Account) {
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

    /// Finds the first item whose id matches.
    pub fn find(&self, id: u64) -> Option<&Account> {
        self.items.iter().find(|item| item.id == id)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Account> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's balance cents.
    pub fn total_balance_cents(&self) -> u128 {
        self.items.iter().map(|item| item.balance_cents as u128).sum()
    }

    /// Returns the items whose balance cents is at least `minimum`.
    pub fn at_least(&self, minimum: i64) -> impl Iterator<Item = &Account> + '_ {
        self.items.iter().filter(move |item| item.balance_cents >= minimum)
    }
}

impl<'a> IntoIterator for &'a AccountRegistry {
    type Item = &'a Account;
    type IntoIter = std::slice::Iter<'a, Account>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Account> for AccountRegistry {
    fn from_iter<I: IntoIterator<Item = Account>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = Account::new(1001, "alpha", -250);
        assert_eq!(item.id(), 1001);
    }

    #[test]
    fn display_is_braced() {
        let text = Account::new(1001, "alpha", -250).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("Account("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: Account = "1001, alpha, -250".parse().expect("valid input");
        assert_eq!(parsed, Account::new(1001, "alpha", -250));
        assert!("".parse::<Account>().is_err());
    }
}
