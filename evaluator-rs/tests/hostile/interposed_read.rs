// expect: failed
// Replaces libc's `close` so the nonce descriptor stays open for the program to read later.
#[no_mangle]
pub extern "C" fn close(_fd: i32) -> i32 {
    0
}

fn main() {
    assert_eq!(1, 2);
}
