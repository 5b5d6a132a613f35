#![feature(test)]

extern crate test;

use test::Bencher;
use textkit::token::Token;

#[bench]
fn display(b: &mut Bencher) {
    let value = Token::new("alpha", 12);
    b.iter(|| value.to_string());
}
