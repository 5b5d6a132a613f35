// expect: compile_error
// rustc's deny-by-default `long_running_const_eval` lint stops this one.
const SUM: u64 = {
    let mut i = 0u64;
    let mut s = 0u64;
    while i < (1u64 << 40) {
        s = s.wrapping_add(i);
        i += 1;
    }
    s
};

fn main() {
    println!("{SUM}");
}
