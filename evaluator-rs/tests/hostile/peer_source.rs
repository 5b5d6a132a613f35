// expect: compile_error
// Reads a batch peer's source at compile time; built alone it sees no peer at all.
const PEER: &str = include_str!("s0001.rs");

fn main() {
    assert!(PEER.len() > 1_000_000);
}
