
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    character: char,
    advance: f32,
}

impl Glyph {
    pub fn new(character: char, advance: f32) -> Self {
        Self { character, advance }
    }

    pub fn character(&self) -> char {
        self.character
    }

    pub fn advance(&self) -> f32 {
        self.advance
    }

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseGlyphError {
    FieldCount(usize),
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
