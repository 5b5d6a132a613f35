// expect: passed
// Leaves a detached child behind that would run for a minute; the test checks it is gone.
use std::process::{Command, Stdio};

fn main() {
    if std::env::var_os("SIGIL_DAEMON_CHILD").is_some() {
        std::thread::sleep(std::time::Duration::from_secs(60));
        return;
    }
    Command::new("/proc/self/exe")
        .env("SIGIL_DAEMON_CHILD", "1")
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn the daemon");
}
