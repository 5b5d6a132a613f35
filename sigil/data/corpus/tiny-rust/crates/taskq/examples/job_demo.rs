//! Prints a `Job` built from sample values.

use taskq::job::Job;

fn main() {
    let value = Job::new(1001, "alpha", 7);
    println!("{value}");
}
