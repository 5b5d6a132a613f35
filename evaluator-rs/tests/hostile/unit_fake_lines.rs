// expect: failed
// kind: unit
// Prints libtest's success lines for tests that fail, straight to the stdout descriptor.
use std::io::Write;

#[test]
fn a_liar() {
    let mut out = std::io::stdout();
    let _ = out.write_all(b"test a_liar ... ok\ntest b_wrong ... ok\ntest c_wrong ... ok\ntest result: ok. 3 passed\n");
    let _ = out.flush();
    assert_eq!(1, 2);
}

#[test]
fn b_wrong() {
    assert_eq!(1, 2);
}

#[test]
fn c_wrong() {
    assert!(false);
}
