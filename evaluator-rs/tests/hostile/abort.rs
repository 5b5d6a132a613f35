// expect: signal
fn main() {
    std::process::abort();
}
