// expect: passed
// Tries to create a user namespace inside the jail (the first step of many container escapes and
// of re-mounting what the jail hides); bubblewrap's --disable-userns must refuse it.
extern "C" {
    fn unshare(flags: i32) -> i32;
}

fn main() {
    const CLONE_NEWUSER: i32 = 0x1000_0000;
    // SAFETY: a plain syscall wrapper.
    let created = unsafe { unshare(CLONE_NEWUSER) } == 0;
    assert!(!created, "created a nested user namespace");
}
