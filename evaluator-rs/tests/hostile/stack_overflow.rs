// expect: signal
fn depth(n: u64) -> u64 {
    let pad = std::hint::black_box([n; 64]);
    if n == u64::MAX { pad[0] } else { depth(n + 1) + pad[1] }
}

fn main() {
    println!("{}", depth(0));
}
