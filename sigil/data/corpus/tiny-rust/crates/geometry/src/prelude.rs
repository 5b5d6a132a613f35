pub use crate::point::Point;
