#![feature(test)]

extern crate test;

use test::Bencher;
use telemetry::sensor::Sensor;

#[bench]
fn display(b: &mut Bencher) {
    let value = Sensor::new(42, "alpha", 2.5);
    b.iter(|| value.to_string());
}
