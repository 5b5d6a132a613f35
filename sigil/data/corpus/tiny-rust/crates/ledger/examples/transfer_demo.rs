//! Prints a `Transfer` built from sample values.

use ledger::transfer::Transfer;

fn main() {
    let value = Transfer::new(1001, 1001, -250);
    println!("{value}");
}
