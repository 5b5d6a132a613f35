//! A worker that executes jobs: the `Worker` type and its registry.

use std::fmt;

/// A worker that executes jobs.
#[derive(Debug, Clone, PartialEq)]
pub struct Worker {
    id: u32,
    host: String,
    capacity: u16,
}

impl Worker {
    /// Creates a `Worker` from its parts.
    pub fn new(id: u32, host: impl Into<String>, capacity: u16) -> Self {
        Self { id, host: host.into(), capacity }
    }

    /// Returns the id.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Returns the host.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Returns the capacity.
    pub fn capacity(&self) -> u16 {
        self.capacity
    }

    /// Returns a copy with the capacity replaced.
    #[must_use]
    pub fn with_capacity(mut self, capacity: u16) -> Self {
        self.capacity = capacity;
        self
    }
}

impl fmt::Display for Worker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Worker({}, {}, {})", self.id, self.host, self.capacity)
    }
}

/// An ordered collection of [`Worker`] values.
#[derive(Debug, Default, Clone)]
pub struct WorkerRegistry {
    items: Vec<Worker>,
}

impl WorkerRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Worker) {
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
    pub fn find(&self, id: u32) -> Option<&Worker> {
        self.items.iter().find(|item| item.id == id)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Worker> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's capacity.
    pub fn total_capacity(&self) -> u128 {
        self.items.iter().map(|item| item.capacity as u128).sum()
    }

    /// Returns the items whose capacity is at least `minimum`.
    pub fn at_least(&self, minimum: u16) -> impl Iterator<Item = &Worker> + '_ {
        self.items.iter().filter(move |item| item.capacity >= minimum)
    }
}

impl<'a> IntoIterator for &'a WorkerRegistry {
    type Item = &'a Worker;
    type IntoIter = std::slice::Iter<'a, Worker>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Worker> for WorkerRegistry {
    fn from_iter<I: IntoIterator<Item = Worker>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
