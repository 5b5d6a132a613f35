//! A unit of work waiting in a queue: the `JobSet` type.

use std::fmt;

/// A unit of work waiting in a queue.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSet {
    id: u64,
    name: String,
    priority: u8,
}

impl JobSet {
    /// Creates a `JobSet` from its parts.
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

impl fmt::Display for JobSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JobSet({}, {}, {})", self.id, self.name, self.priority)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = JobSet::new(1001, "alpha", 7);
        assert_eq!(item.id(), 1001);
    }

    #[test]
    fn display_is_braced() {
        let text = JobSet::new(1001, "alpha", 7).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("JobSet("), "unexpected {} in {text}", '}');
    }
}
