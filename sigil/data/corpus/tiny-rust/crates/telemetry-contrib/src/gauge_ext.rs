//! A named value that goes up and down: the `GaugeSet` type.

use std::fmt;

/// A named value that goes up and down.
#[derive(Debug, Clone, PartialEq)]
pub struct GaugeSet {
    name: String,
    value: i64,
}

impl GaugeSet {
    /// Creates a `GaugeSet` from its parts.
    pub fn new(name: impl Into<String>, value: i64) -> Self {
        Self { name: name.into(), value }
    }

    /// Returns the name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the value.
    pub fn value(&self) -> i64 {
        self.value
    }

    /// Returns a copy with the value replaced.
    #[must_use]
    pub fn with_value(mut self, value: i64) -> Self {
        self.value = value;
        self
    }
}

impl fmt::Display for GaugeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GaugeSet({}, {})", self.name, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = GaugeSet::new("alpha", -250);
        assert_eq!(item.name(), "alpha");
    }

    #[test]
    fn display_is_braced() {
        let text = GaugeSet::new("alpha", -250).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("GaugeSet("), "unexpected {} in {text}", '}');
    }
}
