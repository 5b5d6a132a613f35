//! `geometry`: small, dependency-free building blocks for geometry code.
//!
//! Every type implements `Display`, and the text forms round-trip through `FromStr`
//! where noted.

pub mod point;
pub mod size;
pub mod circle;
pub mod segment;
pub mod grid;

pub use point::Point;
pub use size::Size;
pub use circle::Circle;
pub use segment::Segment;
pub use grid::Grid;
