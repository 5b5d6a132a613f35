//! Prints a `Endpoint` built from sample values.

use netkit::endpoint::Endpoint;

fn main() {
    let value = Endpoint::new("alpha", 443);
    println!("{value}");
}
