// expect: compile_error
// Endless macro recursion: rustc's recursion limit ends it.
macro_rules! again {
    ($($t:tt)*) => { again!($($t)* x) };
}

fn main() {
    again!(x);
}
