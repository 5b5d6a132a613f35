// expect: timeout
// With the lint allowed the compiler would evaluate for hours: the compile time limit ends it.
#![allow(long_running_const_eval)]
const SUM: u64 = {
    let mut i = 0u64;
    let mut s = 0u64;
    while i < (1u64 << 62) {
        s = s.wrapping_add(i);
        i += 1;
    }
    s
};

fn main() {
    println!("{SUM}");
}
