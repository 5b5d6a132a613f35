#![feature(test)]

extern crate test;

use test::Bencher;
use taskq::job::Job;

#[bench]
fn display(b: &mut Bencher) {
    let value = Job::new(1001, "alpha", 7);
    b.iter(|| value.to_string());
}
