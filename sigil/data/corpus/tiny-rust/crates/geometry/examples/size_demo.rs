//! Prints a `Size` built from sample values.

use geometry::size::Size;

fn main() {
    let value = Size::new(2.5, 2.5);
    println!("{value}");
}
