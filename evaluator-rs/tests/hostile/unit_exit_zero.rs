// expect: failed
// kind: unit
// The first test ends the process with status 0; the other two fail. Zero of three pass.
#[test]
fn a_first() {
    std::process::exit(0);
}

#[test]
fn b_wrong() {
    assert_eq!(1, 2);
}

#[test]
fn c_wrong() {
    assert!(false);
}
