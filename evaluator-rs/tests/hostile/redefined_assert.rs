// expect: failed
// Redefines the assertion macros the tests are written with, so every assertion is nothing.
macro_rules! assert_eq {
    ($($t:tt)*) => {};
}
macro_rules! assert {
    ($($t:tt)*) => {};
}

fn main() {
    assert_eq!(1, 2);
    assert!(false);
}
