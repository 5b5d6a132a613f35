//! Prints a `Point` built from sample values.

use geometry::point::Point;

fn main() {
    let value = Point::new(2.5, 2.5);
    println!("{value}");
}
