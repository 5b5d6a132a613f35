//! The hostile-program corpus (tests/hostile/*.rs, each naming its expected status on its first
//! line — `!passed` for anything but passed — and `// kind: unit` on its second for `#[test]`
//! programs) run together with ordinary programs in one batched run: each hostile program ends with the
//! right status within its limits, nothing is left running, nothing changed on the host, and the
//! ordinary programs' verdicts are those they get alone.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use sigil_evaluator::exec::{ExecConfig, Executor, Kind, Program, Status};

const BASE_UID: u32 = 62_000;
const CANARY: &str = "/tmp/sigil-hostile-canary";

fn hostile() -> Vec<(String, Program, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "rs")).collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let source = std::fs::read_to_string(&path).unwrap();
            let expect = source.lines().next().and_then(|l| l.strip_prefix("// expect: ")).unwrap_or_else(|| panic!("{} lacks `// expect:`", path.display())).trim().to_string();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let kind = if source.lines().nth(1) == Some("// kind: unit") { Kind::Unit } else { Kind::Main };
            (name, Program { source, kind, cases: Vec::new() }, expect)
        })
        .collect()
}

fn ordinary(i: usize) -> Program {
    // Even: passes; odd: fails its assertion.
    let source = format!("fn twice(x: u32) -> u32 {{ x * 2 }}\nfn main() {{ assert_eq!(twice({i}), {}); }}\n", i * 2 + i % 2);
    Program { source, kind: Kind::Main, cases: Vec::new() }
}

fn stray_processes() -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
        // Zombies count too: they hold a slot of the uid's process limit until reaped.
        if (BASE_UID..BASE_UID + 8).contains(&meta.uid()) || cmdline.starts_with("/prog") {
            let name = status.lines().next().unwrap_or_default();
            found.push(format!("{} uid={} {name} {cmdline}", entry.file_name().to_string_lossy(), meta.uid()));
        }
    }
    found
}

#[test]
fn hostile_programs_are_contained() {
    let _ = std::fs::remove_file(CANARY);
    std::env::set_var("SIGIL_HOST_SECRET", "hunter2");
    let config = ExecConfig {
        jobs: 2,
        batch_size: 8,
        compile_timeout: Duration::from_secs(10),
        run_timeout: Duration::from_secs(3),
        run_cpu_seconds: 2,
        run_memory_bytes: 256 << 20,
        output_bytes: 64 << 10,
        base_uid: BASE_UID,
        ..ExecConfig::default()
    };
    let limits = config.clone();
    let executor = Executor::new(config).expect("toolchain and bubblewrap available");
    assert_eq!(executor.isolation_name(), "bwrap");

    let hostile = hostile();
    assert!(hostile.len() >= 13, "the corpus shrank");
    // Ordinary programs interleaved with hostile ones, so they share batches and workers.
    let mut programs = Vec::new();
    let mut ordinary_at = Vec::new();
    for (i, (_, program, _)) in hostile.iter().enumerate() {
        ordinary_at.push(programs.len());
        programs.push(ordinary(i));
        programs.push(program.clone());
    }
    let results = executor.run(&programs).unwrap();

    let mut wrong = Vec::new();
    for (i, (name, _, expect)) in hostile.iter().enumerate() {
        let r = &results[2 * i + 1];
        let ok = match expect.strip_prefix('!') {
            Some(not) => r.status.as_str() != not,
            None => r.status.as_str() == expect,
        };
        if !ok {
            wrong.push(format!("{name}: expected {expect}, got {} ({})", r.status.as_str(), r.message));
        }
        // Ended by the limits, not by luck: the run stayed within its wall-clock limit (plus the
        // time to tear the jail down), the build within the compiler's.
        assert!(r.run_time <= limits.run_timeout + Duration::from_secs(3), "{name} ran for {:?}", r.run_time);
        assert!(r.build_time <= limits.compile_timeout + Duration::from_secs(5), "{name} built for {:?}", r.build_time);
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    for (i, &at) in ordinary_at.iter().enumerate() {
        let want = if i % 2 == 0 { Status::Passed } else { Status::Failed };
        assert_eq!(results[at].status, want, "ordinary program {i} got {:?}", results[at]);
    }
    let by_name = |n: &str| &results[2 * hostile.iter().position(|(name, _, _)| name == n).unwrap() + 1];
    assert!(by_name("stack_overflow").message.contains("overflowed its stack"), "{:?}", by_name("stack_overflow"));
    assert!(by_name("include_host_file").message.contains("couldn't read"), "{:?}", by_name("include_host_file"));
    // Zero of three tests passed, whatever the program printed or how it ended.
    for name in ["unit_exit_zero", "unit_fake_lines"] {
        assert_eq!((by_name(name).tests_passed, by_name(name).tests_total), (0, 3), "{name}: {:?}", by_name(name));
    }

    assert!(!Path::new(CANARY).exists(), "a sample wrote {CANARY} on the host");
    // The daemon would sleep for a minute; the fork bomb's copies would spin until killed.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(stray_processes(), Vec::<String>::new());
}

/// Opens `path` without close-on-exec, as a careless caller (or Python's `os.set_inheritable`) would.
fn inheritable(path: &Path, flags: libc::c_int) -> libc::c_int {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid C string; the descriptor is closed by the caller.
    let fd = unsafe { libc::open(c.as_ptr(), flags) };
    assert!(fd >= 0, "open {}", path.display());
    fd
}

#[test]
fn inherited_descriptors_do_not_reach_the_jail() {
    let dir = tempfile::tempdir().unwrap();
    let (secret, target) = (dir.path().join("secret"), dir.path().join("target"));
    std::fs::write(&secret, "fd-secret-4242").unwrap();
    std::fs::write(&target, "untouched").unwrap();
    let secret_fd = inheritable(&secret, libc::O_RDONLY);
    let target_fd = inheritable(&target, libc::O_WRONLY | libc::O_APPEND);
    // Writes into every descriptor it might have, then reads every one looking for the secret.
    let at_run_time = Program {
        source: "use std::io::{Read, Write};\nuse std::os::fd::FromRawFd;\nfn main() {\n    for fd in 3..1024 {\n        let mut f = unsafe { std::fs::File::from_raw_fd(fd) };\n        let _ = f.write_all(b\"owned\");\n        std::mem::forget(f);\n    }\n    for fd in 3..1024 {\n        let mut f = unsafe { std::fs::File::from_raw_fd(fd) };\n        let mut s = String::new();\n        let _ = f.read_to_string(&mut s);\n        std::mem::forget(f);\n        assert!(!s.contains(\"fd-secret\"), \"read {s}\");\n    }\n}\n".into(),
        kind: Kind::Main,
        cases: Vec::new(),
    };
    // At compile time: the compiler's error would carry the file's text.
    let at_compile_time = Program { source: format!("compile_error!(include_str!(\"/proc/self/fd/{secret_fd}\"));\nfn main() {{}}\n"), kind: Kind::Main, cases: Vec::new() };
    let config = ExecConfig { jobs: 2, batch_size: 1, compile_timeout: Duration::from_secs(5), base_uid: BASE_UID + 16, ..ExecConfig::default() };
    let executor = Executor::new(config).unwrap();
    let results = executor.run(&[at_run_time, at_compile_time]).unwrap();
    // SAFETY: our own descriptors.
    unsafe {
        libc::close(secret_fd);
        libc::close(target_fd);
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched", "a jailed program wrote into a host file through fd {target_fd}");
    assert!(!results[0].message.contains("fd-secret"), "run time: {:?}", results[0]);
    // Inside, that number is now one of rustc's own descriptors (or none): an error, or a read that
    // never ends and meets the compile time limit; never the host file.
    assert!(matches!(results[1].status, Status::CompileError | Status::Timeout), "{:?}", results[1]);
    assert!(!results[1].message.contains("fd-secret"), "compile time: {:?}", results[1]);
}
