// expect: failed
// A SIGABRT handler that exits 0, then an abort instead of the assertion.
extern "C" {
    fn signal(sig: i32, handler: extern "C" fn(i32)) -> usize;
    fn _exit(code: i32) -> !;
}

extern "C" fn on_abort(_: i32) {
    // SAFETY: ends the process.
    unsafe { _exit(0) }
}

fn main() {
    // SAFETY: installing a plain handler.
    unsafe { signal(6, on_abort) };
    if 1 + 1 != 3 {
        std::process::abort();
    }
}
