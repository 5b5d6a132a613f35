//! A text style: the `StyleSet` type.

use std::fmt;

/// A text style.
#[derive(Debug, Clone, PartialEq)]
pub struct StyleSet {
    name: String,
    bold: bool,
    size: u8,
}

impl StyleSet {
    /// Creates a `StyleSet` from its parts.
    pub fn new(name: impl Into<String>, bold: bool, size: u8) -> Self {
        Self { name: name.into(), bold, size }
    }

    /// Returns the name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the bold.
    pub fn bold(&self) -> bool {
        self.bold
    }

    /// Returns the size.
    pub fn size(&self) -> u8 {
        self.size
    }

    /// Returns a copy with the size replaced.
    #[must_use]
    pub fn with_size(mut self, size: u8) -> Self {
        self.size = size;
        self
    }
}

impl fmt::Display for StyleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StyleSet({}, {}, {})", self.name, self.bold, self.size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = StyleSet::new("alpha", true, 7);
        assert_eq!(item.name(), "alpha");
    }

    #[test]
    fn display_is_braced() {
        let text = StyleSet::new("alpha", true, 7).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("StyleSet("), "unexpected {} in {text}", '}');
    }
}
