#![allow(dead_code, clippy::new_without_default)]
//! A time-limited claim on a job: the `Lease` type and its registry.

use std::fmt;

/// A time-limited claim on a job.
#[derive(Debug, Clone, PartialEq)]
pub struct Lease {
    job: u64,
    worker: u32,
    expires_ms: u64,
}

impl Lease {
    /// Creates a `Lease` from its parts.
    pub fn new(job: u64, worker: u32, expires_ms: u64) -> Self {
        Self { job, worker, expires_ms }
    }

    /// Returns the job.
    pub fn job(&self) -> u64 {
        self.job
    }

    /// Returns the worker.
    pub fn worker(&self) -> u32 {
        self.worker
    }

    /// Returns the expires ms.
    pub fn expires_ms(&self) -> u64 {
        self.expires_ms
    }

    /// Returns a copy with the expires ms replaced.
    #[must_use]
    pub fn with_expires_ms(mut self, expires_ms: u64) -> Self {
        self.expires_ms = expires_ms;
        self
    }
}

impl fmt::Display for Lease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lease({}, {}, {})", self.job, self.worker, self.expires_ms)
    }
}

/// An ordered collection of [`Lease`] values.
#[derive(Debug, Default, Clone)]
pub struct LeaseRegistry {
    items: Vec<Lease>,
}

impl LeaseRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Lease) {
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

    /// Finds the first item whose job matches.
    pub fn find(&self, job: u64) -> Option<&Lease> {
        self.items.iter().find(|item| item.job == job)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Lease> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's expires ms.
    pub fn total_expires_ms(&self) -> u128 {
        self.items.iter().map(|item| item.expires_ms as u128).sum()
    }

    /// Returns the items whose expires ms is at least `minimum`.
    pub fn at_least(&self, minimum: u64) -> impl Iterator<Item = &Lease> + '_ {
        self.items.iter().filter(move |item| item.expires_ms >= minimum)
    }
}

impl<'a> IntoIterator for &'a LeaseRegistry {
    type Item = &'a Lease;
    type IntoIter = std::slice::Iter<'a, Lease>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Lease> for LeaseRegistry {
    fn from_iter<I: IntoIterator<Item = Lease>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
