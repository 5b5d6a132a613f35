//! Prints a `Worker` built from sample values.

use taskq::worker::Worker;

fn main() {
    let value = Worker::new(42, "alpha", 443);
    println!("{value}");
}
