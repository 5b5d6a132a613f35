// expect: failed
// Another thread exits 0 while main is stuck before its assertion.
fn main() {
    std::thread::spawn(|| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::process::exit(0);
    });
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(1, 2);
}
