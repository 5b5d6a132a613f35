//! A unit of work waiting in a queue: the `Job` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A unit of work waiting in a queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    id: u64,
    name: String,
    priority: u8,
}

impl Job {
    /// Creates a `Job` from its parts.
    pub fn new(id: u64, name: impl Into<String>, priority: u8) -> Self {
        Self { id, name: name.into(), priority }
    }

    /// Returns the id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Returns the name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the priority.
    pub fn priority(&self) -> u8 {
        self.priority
    }

    /// Returns a copy with the priority replaced.
    #[must_use]
    pub fn with_priority(mut self, priority: u8) -> Self {
        self.priority = priority;
        self
    }
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Job({}, {}, {})", self.id, self.name, self.priority)
    }
}

/// Why a `Job` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseJobError {
    /// The input did not have exactly 3 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseJobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseJobError {}

impl FromStr for Job {
    type Err = ParseJobError;

    /// Parses `id, name, priority` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseJobError::FieldCount(parts.len()));
        }
        let id = parts[0]
            .parse::<u64>()
            .map_err(|_| ParseJobError::InvalidField("id"))?;
        let name = parts[1].to_string();
        let priority = parts[2]
            .parse::<u8>()
            .map_err(|_| ParseJobError::InvalidField("priority"))?;
        Ok(Self { id, name, priority })
    }
}

/// An ordered collection of [`Job`] values.
#[derive(Debug, Default, Clone)]
pub struct JobRegistry {
    items: Vec<Job>,
}

impl JobRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Job) {
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
    pub fn find(&self, id: u64) -> Option<&Job> {
        self.items.iter().find(|item| item.id == id)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Job> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's priority.
    pub fn total_priority(&self) -> u128 {
        self.items.iter().map(|item| item.priority as u128).sum()
    }

    /// Returns the items whose priority is at least `minimum`.
    pub fn at_least(&self, minimum: u8) -> impl Iterator<Item = &Job> + '_ {
        self.items.iter().filter(move |item| item.priority >= minimum)
    }
}

impl<'a> IntoIterator for &'a JobRegistry {
    type Item = &'a Job;
    type IntoIter = std::slice::Iter<'a, Job>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Job> for JobRegistry {
    fn from_iter<I: IntoIterator<Item = Job>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = Job::new(1001, "alpha", 7);
        assert_eq!(item.id(), 1001);
    }

    #[test]
    fn display_is_braced() {
        let text = Job::new(1001, "alpha", 7).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("Job("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: Job = "1001, alpha, 7".parse().expect("valid input");
        assert_eq!(parsed, Job::new(1001, "alpha", 7));
        assert!("".parse::<Job>().is_err());
    }
}
