//! Prints a `Sample` built from sample values.

use telemetry::sample::Sample;

fn main() {
    let value = Sample::new(1001, 2.5);
    println!("{value}");
}
