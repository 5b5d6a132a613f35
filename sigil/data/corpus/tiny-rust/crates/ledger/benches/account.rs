#![feature(test)]

extern crate test;

use test::Bencher;
use ledger::account::Account;

#[bench]
fn display(b: &mut Bencher) {
    let value = Account::new(1001, "alpha", -250);
    b.iter(|| value.to_string());
}
