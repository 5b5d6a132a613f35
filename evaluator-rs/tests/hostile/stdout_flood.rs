// expect: output_limit
fn main() {
    loop {
        println!("flooding the harness with output, line after line after line");
    }
}
