// expect: compile_error
// The compiler sees no host /etc: reading a host file at compile time fails.
const PASSWD: &str = include_str!("/etc/passwd");

fn main() {
    println!("{PASSWD}");
}
