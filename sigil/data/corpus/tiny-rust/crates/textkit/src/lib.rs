//! `textkit`: small, dependency-free building blocks for textkit code.
//!
//! Every type implements `Display`, and the text forms round-trip through `FromStr`
//! where noted.

pub mod token;
pub mod span;
pub mod word;
pub mod style;
pub mod glyph;

pub use token::Token;
pub use span::Span;
pub use word::Word;
pub use style::Style;
pub use glyph::Glyph;
