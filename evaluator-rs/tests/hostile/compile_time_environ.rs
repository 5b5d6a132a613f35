// expect: passed
// Reads the environment of the sandbox's init and of the compiler at compile time; the test puts
// SIGIL_HOST_SECRET=hunter2 in the host's environment. A leak stops the build with "leaked".
const fn contains(hay: &[u8], needle: &[u8]) -> bool {
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        let mut j = 0;
        while j < needle.len() && hay[i + j] == needle[j] {
            j += 1;
        }
        if j == needle.len() {
            return true;
        }
        i += 1;
    }
    false
}

const INIT: &[u8] = include_bytes!("/proc/1/environ");
const SELF: &[u8] = include_bytes!("/proc/self/environ");
const _: () = assert!(!contains(INIT, b"hunter2") && !contains(SELF, b"hunter2"), "leaked");

fn main() {
    assert!(option_env!("SIGIL_HOST_SECRET").is_none(), "leaked through env!");
}
