// expect: failed
// Runs before main (an .init_array entry), reads the harness's nonce and reports it at once.
extern "C" {
    fn read(fd: i32, buf: *mut u8, n: usize) -> isize;
    fn write(fd: i32, buf: *const u8, n: usize) -> isize;
    fn _exit(code: i32) -> !;
}

extern "C" fn steal() {
    let mut buf = [0u8; 64];
    // SAFETY: plain syscalls on a local buffer.
    unsafe {
        let n = read(3, buf.as_mut_ptr(), 64);
        if n > 0 {
            write(4, buf.as_ptr(), n as usize);
            _exit(0);
        }
    }
}

#[used]
#[link_section = ".init_array"]
static STEAL: extern "C" fn() = steal;

fn main() {
    assert_eq!(1, 2);
}
