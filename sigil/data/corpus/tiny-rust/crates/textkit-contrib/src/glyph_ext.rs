//! A rendered character with its advance width: the `Glyph` type and its registry.

use std::fmt;

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

/// An ordered collection of [`Glyph`] values.
#[derive(Debug, Default, Clone)]
pub struct GlyphRegistry {
    items: Vec<Glyph>,
}

impl GlyphRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Glyph) {
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

    /// Finds the first item whose character matches.
    pub fn find(&self, character: char) -> Option<&Glyph> {
        self.items.iter().find(|item| item.character == character)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Glyph> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's advance.
    pub fn total_advance(&self) -> f32 {
        self.items.iter().map(|item| item.advance).sum()
    }

    /// Returns the item with the largest advance, if any.
    pub fn max_by_advance(&self) -> Option<&Glyph> {
        self.items
            .iter()
            .max_by(|a, b| a.advance.total_cmp(&b.advance))
    }
}

impl<'a> IntoIterator for &'a GlyphRegistry {
    type Item = &'a Glyph;
    type IntoIter = std::slice::Iter<'a, Glyph>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Glyph> for GlyphRegistry {
    fn from_iter<I: IntoIterator<Item = Glyph>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
