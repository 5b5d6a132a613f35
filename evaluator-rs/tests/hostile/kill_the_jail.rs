// expect: !passed
// Kills every process it can see (the jail's init included), then its parent.
extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
    fn getppid() -> i32;
}

fn main() {
    // SAFETY: plain syscalls.
    unsafe {
        kill(getppid(), 9);
        kill(1, 9);
        kill(-1, 9);
    }
    assert_eq!(1, 2);
}
