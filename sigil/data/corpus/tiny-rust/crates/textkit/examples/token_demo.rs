//! Prints a `Token` built from sample values.

use textkit::token::Token;

fn main() {
    let value = Token::new("alpha", 12);
    println!("{value}");
}
