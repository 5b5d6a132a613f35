// expect: failed
// An atexit handler that replaces the failure status (101) with 0 via _exit.
extern "C" {
    fn atexit(f: extern "C" fn()) -> i32;
    fn _exit(code: i32) -> !;
}

extern "C" fn cover_up() {
    // SAFETY: ends the process.
    unsafe { _exit(0) }
}

fn main() {
    // SAFETY: registering a plain function.
    unsafe { atexit(cover_up) };
    assert_eq!(1, 2);
}
