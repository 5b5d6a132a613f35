// expect: timeout
// Every copy starts more copies of itself for ever; the process limit stops the growth and the
// CPU/wall limit ends the run. Nothing may be left running afterwards.
use std::process::Command;

fn main() {
    loop {
        let _ = Command::new("/proc/self/exe").spawn();
    }
}
