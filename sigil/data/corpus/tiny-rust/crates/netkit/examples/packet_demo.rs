//! Prints a `Packet` built from sample values.

use netkit::packet::Packet;

fn main() {
    let value = Packet::new(42, 443);
    println!("{value}");
}
