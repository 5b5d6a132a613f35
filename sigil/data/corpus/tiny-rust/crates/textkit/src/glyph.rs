//! A rendered character with its advance width: the `Glyph` type.

use std::fmt;
use std::str::FromStr;

/// A rendered character with its advance width.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    character: char,
    advance: f32,
}

impl Glyph {
    /// Creates a `Glyph` from its parts.
    pub fn new(character: char, advance: f32) -> Self {
        Self { character, advance }
    }

    /// Returns the character.
    pub fn character(&self) -> char {
        self.character
    }

    /// Returns the advance.
    pub fn advance(&self) -> f32 {
        self.advance
    }

    /// Returns a copy with the advance replaced.
    #[must_use]
    pub fn with_advance(mut self, advance: f32) -> Self {
        self.advance = advance;
        self
    }
}

impl fmt::Display for Glyph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Glyph({}, {})", self.character, self.advance)
    }
}

/// Why a `Glyph` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseGlyphError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseGlyphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseGlyphError {}

impl FromStr for Glyph {
    type Err = ParseGlyphError;

    /// Parses `character, advance` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseGlyphError::FieldCount(parts.len()));
        }
        let character = parts[0]
            .parse::<char>()
            .map_err(|_| ParseGlyphError::InvalidField("character"))?;
        let advance = parts[1]
            .parse::<f32>()
            .map_err(|_| ParseGlyphError::InvalidField("advance"))?;
        Ok(Self { character, advance })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = Glyph::new('x', 1.5);
        assert_eq!(item.character(), 'x');
    }

    #[test]
    fn display_is_braced() {
        let text = Glyph::new('x', 1.5).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("Glyph("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: Glyph = "x, 1.5".parse().expect("valid input");
        assert_eq!(parsed, Glyph::new('x', 1.5));
        assert!("".parse::<Glyph>().is_err());
    }
}
