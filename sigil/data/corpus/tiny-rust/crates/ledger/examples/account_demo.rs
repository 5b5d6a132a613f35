//! Prints a `Account` built from sample values.

use ledger::account::Account;

fn main() {
    let value = Account::new(1001, "alpha", -250);
    println!("{value}");
}
