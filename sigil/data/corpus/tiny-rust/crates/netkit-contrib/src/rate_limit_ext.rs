//! A token-bucket rate limit: the `RateLimit` type and its registry.

use std::fmt;

/// A token-bucket rate limit.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    capacity: u32,
    refill_per_sec: u32,
}

impl RateLimit {
    /// Creates a `RateLimit` from its parts.
    pub fn new(capacity: u32, refill_per_sec: u32) -> Self {
        Self { capacity, refill_per_sec }
    }

    /// Returns the capacity.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Returns the refill per sec.
    pub fn refill_per_sec(&self) -> u32 {
        self.refill_per_sec
    }

    /// Returns a copy with the capacity replaced.
    #[must_use]
    pub fn with_capacity(mut self, capacity: u32) -> Self {
        self.capacity = capacity;
        self
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RateLimit({}, {})", self.capacity, self.refill_per_sec)
    }
}

/// An ordered collection of [`RateLimit`] values.
#[derive(Debug, Default, Clone)]
pub struct RateLimitRegistry {
    items: Vec<RateLimit>,
}

impl RateLimitRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: RateLimit) {
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

    /// Finds the first item whose capacity matches.
    pub fn find(&self, capacity: u32) -> Option<&RateLimit> {
        self.items.iter().find(|item| item.capacity == capacity)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &RateLimit> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's capacity.
    pub fn total_capacity(&self) -> u128 {
        self.items.iter().map(|item| item.capacity as u128).sum()
    }

    /// Returns the items whose capacity is at least `minimum`.
    pub fn at_least(&self, minimum: u32) -> impl Iterator<Item = &RateLimit> + '_ {
        self.items.iter().filter(move |item| item.capacity >= minimum)
    }
}

impl<'a> IntoIterator for &'a RateLimitRegistry {
    type Item = &'a RateLimit;
    type IntoIter = std::slice::Iter<'a, RateLimit>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<RateLimit> for RateLimitRegistry {
    fn from_iter<I: IntoIterator<Item = RateLimit>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
