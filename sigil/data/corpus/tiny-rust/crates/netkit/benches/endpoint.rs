#![feature(test)]

extern crate test;

use test::Bencher;
use netkit::endpoint::Endpoint;

#[bench]
fn display(b: &mut Bencher) {
    let value = Endpoint::new("alpha", 443);
    b.iter(|| value.to_string());
}
