// expect: passed
// Looks for the host's secrets at run time; the test puts SIGIL_HOST_SECRET in the host's
// environment. Passing means nothing was found.
fn main() {
    let mut found = Vec::new();
    for (k, v) in std::env::vars() {
        if k.contains("SIGIL_HOST_SECRET") || v.contains("hunter2") {
            found.push(format!("env {k}"));
        }
    }
    for pid in 1..64 {
        if let Ok(bytes) = std::fs::read(format!("/proc/{pid}/environ")) {
            if String::from_utf8_lossy(&bytes).contains("hunter2") {
                found.push(format!("/proc/{pid}/environ"));
            }
        }
    }
    for path in ["/etc/passwd", "/etc/hostname", "/root/.bashrc", "/home", "/proc/1/root/etc/passwd"] {
        if std::fs::metadata(path).is_ok() {
            found.push(path.to_string());
        }
    }
    assert!(found.is_empty(), "leaked: {found:?}");
}
