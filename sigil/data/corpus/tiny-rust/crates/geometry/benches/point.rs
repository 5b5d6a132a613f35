#![feature(test)]

extern crate test;

use test::Bencher;
use geometry::point::Point;

#[bench]
fn display(b: &mut Bencher) {
    let value = Point::new(2.5, 2.5);
    b.iter(|| value.to_string());
}
