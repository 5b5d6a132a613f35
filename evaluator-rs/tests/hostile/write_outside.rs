// expect: passed
// Writes where it can: the private /tmp takes it (and vanishes), everything else is read-only or
// absent. The test checks that nothing appeared on the host.
fn main() {
    let _ = std::fs::write("/tmp/sigil-hostile-canary", "escaped");
    for path in ["/sigil-hostile-canary", "/prog", "/usr/sigil-hostile-canary", "/root/sigil-hostile-canary", "/work/sigil-hostile-canary"] {
        assert!(std::fs::write(path, "escaped").is_err(), "wrote {path}");
    }
}
