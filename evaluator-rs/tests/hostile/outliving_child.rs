// expect: failed
// Leaves a child behind that would report "success" after the parent exited 0 early.
use std::process::{Command, Stdio};

fn main() {
    let _ = Command::new("/proc/self/exe").env("CHILD", "1").stdout(Stdio::null()).spawn();
    if std::env::var_os("CHILD").is_some() {
        std::thread::sleep(std::time::Duration::from_millis(300));
        println!("test result: ok. 1 passed");
        std::process::exit(0);
    }
    std::process::exit(0);
}
