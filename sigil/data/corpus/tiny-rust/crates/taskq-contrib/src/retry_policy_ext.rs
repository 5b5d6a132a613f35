//! How often and how long to retry a failed job: the `RetryPolicy` type and its registry.

use std::fmt;

/// How often and how long to retry a failed job.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    backoff_ms: u64,
}

impl RetryPolicy {
    /// Creates a `RetryPolicy` from its parts.
    pub fn new(max_attempts: u32, backoff_ms: u64) -> Self {
        Self { max_attempts, backoff_ms }
    }

    /// Returns the max attempts.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Returns the backoff ms.
    pub fn backoff_ms(&self) -> u64 {
        self.backoff_ms
    }

    /// Returns a copy with the backoff ms replaced.
    #[must_use]
    pub fn with_backoff_ms(mut self, backoff_ms: u64) -> Self {
        self.backoff_ms = backoff_ms;
        self
    }
}

impl fmt::Display for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RetryPolicy({}, {})", self.max_attempts, self.backoff_ms)
    }
}

/// An ordered collection of [`RetryPolicy`] values.
#[derive(Debug, Default, Clone)]
pub struct RetryPolicyRegistry {
    items: Vec<RetryPolicy>,
}

impl RetryPolicyRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: RetryPolicy) {
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

    /// Finds the first item whose max attempts matches.
    pub fn find(&self, max_attempts: u32) -> Option<&RetryPolicy> {
        self.items.iter().find(|item| item.max_attempts == max_attempts)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &RetryPolicy> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's backoff ms.
    pub fn total_backoff_ms(&self) -> u128 {
        self.items.iter().map(|item| item.backoff_ms as u128).sum()
    }

    /// Returns the items whose backoff ms is at least `minimum`.
    pub fn at_least(&self, minimum: u64) -> impl Iterator<Item = &RetryPolicy> + '_ {
        self.items.iter().filter(move |item| item.backoff_ms >= minimum)
    }
}

impl<'a> IntoIterator for &'a RetryPolicyRegistry {
    type Item = &'a RetryPolicy;
    type IntoIter = std::slice::Iter<'a, RetryPolicy>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<RetryPolicy> for RetryPolicyRegistry {
    fn from_iter<I: IntoIterator<Item = RetryPolicy>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
