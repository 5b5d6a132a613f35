//! Prints a `Sensor` built from sample values.

use telemetry::sensor::Sensor;

fn main() {
    let value = Sensor::new(42, "alpha", 2.5);
    println!("{value}");
}
