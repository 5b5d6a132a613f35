// expect: failed
// The solution ends the process with status 0 before the first assertion can fail.
fn solve(x: i32) -> i32 {
    if x > 0 {
        std::process::exit(0);
    }
    x
}

fn main() {
    assert_eq!(solve(3), 4);
}
