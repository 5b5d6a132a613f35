//! Prints a `Span` built from sample values.

use textkit::span::Span;

fn main() {
    let value = Span::new(12, 12);
    println!("{value}");
}
