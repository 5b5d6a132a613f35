// expect: passed
// Looks for other samples at run time: their binaries, their build directories, their processes.
// Each run's jail holds only its own binary at /prog, so passing means nothing was found.
fn walk(dir: &std::path::Path, depth: u32, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.to_string_lossy().into_owned();
        if name.starts_with("/proc") || name.starts_with("/sys") || name.starts_with("/dev") {
            continue;
        }
        if name.contains("sigil-exec-") || name.ends_with(".rs") || (name.ends_with("/prog") && name != "/prog") {
            found.push(name.clone());
        }
        if depth < 6 && entry.file_type().is_ok_and(|t| t.is_dir()) {
            walk(&path, depth + 1, found);
        }
    }
}

fn main() {
    let mut found = Vec::new();
    walk(std::path::Path::new("/"), 0, &mut found);
    // Other jails' processes: the pid namespace shows this jail's only.
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.parse::<u32>().is_ok_and(|pid| pid > 2) {
            if let Ok(cmd) = std::fs::read_to_string(entry.path().join("cmdline")) {
                if !cmd.starts_with("/prog") {
                    found.push(format!("process {name}: {cmd}"));
                }
            }
        }
    }
    assert!(found.is_empty(), "found: {found:?}");
}
