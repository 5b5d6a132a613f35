// expect: failed
// A guard whose destructor exits 0 while the failed assertion unwinds.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        std::process::exit(0);
    }
}

fn main() {
    let _guard = Guard;
    assert_eq!(1 + 1, 3);
}
