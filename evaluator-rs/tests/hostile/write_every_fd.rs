// expect: failed
// Writes plausible success reports into every descriptor it might have, then exits 0 early.
use std::io::Write;
use std::os::fd::FromRawFd;

fn main() {
    for fd in 1..256 {
        // SAFETY: descriptors that are not open just fail the write.
        let mut f = unsafe { std::fs::File::from_raw_fd(fd) };
        let _ = f.write_all(b"ok\ntest tests::a ... ok\n0123456789abcdef0123456789abcdef");
        std::mem::forget(f);
    }
    std::process::exit(0);
}
