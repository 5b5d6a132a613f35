//! A physical sensor reporting one value: the `SensorSet` type.

use std::fmt;

/// A physical sensor reporting one value.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorSet {
    id: u32,
    label: String,
    reading: f64,
}

impl SensorSet {
    /// Creates a `SensorSet` from its parts.
    pub fn new(id: u32, label: impl Into<String>, reading: f64) -> Self {
        Self { id, label: label.into(), reading }
    }

    /// Returns the id.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Returns the label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Returns the reading.
    pub fn reading(&self) -> f64 {
        self.reading
    }

    /// Returns a copy with the reading replaced.
    #[must_use]
    pub fn with_reading(mut self, reading: f64) -> Self {
        self.reading = reading;
        self
    }
}

impl fmt::Display for SensorSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SensorSet({}, {}, {})", self.id, self.label, self.reading)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = SensorSet::new(42, "alpha", 2.5);
        assert_eq!(item.id(), 42);
    }

    #[test]
    fn display_is_braced() {
        let text = SensorSet::new(42, "alpha", 2.5).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("SensorSet("), "unexpected {} in {text}", '}');
    }
}
