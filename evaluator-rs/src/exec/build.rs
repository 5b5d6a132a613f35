//! Building one crate (a single program or a batch) with rustc inside the jail.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::sandbox::{End, Isolation, Job, Limits, Mount, Sandbox};

/// Where the build directory appears inside the jail.
pub const WORK: &str = "/work";

/// rustc settings shared by every build of one run.
#[derive(Debug, Clone)]
pub struct BuildSettings {
    pub rustc: PathBuf,
    pub sysroot: PathBuf,
    pub edition: String,
    pub optimize: bool,
    /// An explicit C linker driver (`-Clinker`); None keeps rustc's default (`cc`, linking with the
    /// toolchain's lld), which is much faster than naming gcc.
    pub linker: Option<PathBuf>,
    /// The test witness's object (`witness.rs`) on the host, linked around every binary's `main`.
    pub witness: Option<PathBuf>,
    pub limits: Limits,
}

/// Where the witness's directory appears inside the build jail.
pub const WITNESS_DIR: &str = "/sigil-witness";

/// What a build produced.
#[derive(Debug)]
pub enum Built {
    /// The binary, at `<dir>/prog` on the host.
    Ok { time: Duration },
    /// Error diagnostics: the first error's text and the source files (names relative to the build
    /// dir) that any error points into; `unattributed` when some error points nowhere (a link error).
    Errors { first: String, files: BTreeSet<String>, unattributed: bool, time: Duration },
    TimedOut { time: Duration },
    /// The compiler died (out of memory, signal) or the jail failed.
    Crashed { message: String, time: Duration },
}

/// Builds `<dir>/main.rs` into `<dir>/prog`; `test` builds the libtest harness instead of `main`.
pub fn build(jail: &Sandbox, settings: &BuildSettings, dir: &Path, test: bool) -> Result<Built, String> {
    let inside = |name: &str| -> OsString {
        match jail.isolation {
            Isolation::Bwrap(_) => format!("{WORK}/{name}").into(),
            Isolation::None => dir.join(name).into(),
        }
    };
    let mut args: Vec<OsString> = vec![
        format!("--edition={}", settings.edition).into(),
        "--crate-name=prog".into(),
        "--crate-type=bin".into(),
        // Static: the run jail then needs no host file at all, not even libc.
        "-Ctarget-feature=+crt-static".into(),
        "--error-format=json".into(),
        "-o".into(),
        inside("prog"),
    ];
    if settings.optimize {
        args.push("-O".into());
    }
    if let Some(linker) = &settings.linker {
        let mut flag = OsString::from("-Clinker=");
        flag.push(linker);
        args.push(flag);
    }
    if test {
        args.push("--test".into());
    }
    args.push(inside("main.rs"));
    let mut jail = jail.clone();
    if let Some(object) = &settings.witness {
        let dir = object.parent().ok_or("the witness object has no directory")?;
        let seen = match jail.isolation {
            Isolation::Bwrap(_) => {
                jail.mounts.push(Mount::ReadOnly { host: dir.to_path_buf(), inside: WITNESS_DIR.into() });
                Path::new(WITNESS_DIR).join(object.file_name().ok_or("the witness object has no name")?)
            }
            Isolation::None => object.clone(),
        };
        args.extend(super::witness::link_args(&seen));
    }
    jail.mounts.push(Mount::ReadOnly { host: settings.sysroot.clone(), inside: settings.sysroot.clone() });
    jail.mounts.push(Mount::Writable { host: dir.to_path_buf(), inside: WORK.into() });
    let ended = jail.run(&Job { env: &[("PATH", "/usr/bin")], ..Job::new(&settings.rustc, &args, &settings.limits) })?;
    let time = ended.wall;
    Ok(match ended.end {
        End::Exited(0) => Built::Ok { time },
        End::Exited(1) => {
            let (first, files, unattributed) = errors(&String::from_utf8_lossy(&ended.stderr));
            if first.is_empty() {
                Built::Crashed { message: tail(&ended.stderr), time }
            } else {
                Built::Errors { first, files, unattributed, time }
            }
        }
        End::WallTimeout => Built::TimedOut { time },
        End::Signaled(libc::SIGXCPU) => Built::TimedOut { time },
        End::OutputLimit => Built::Crashed { message: "compiler output over the limit".into(), time },
        other => Built::Crashed { message: format!("compiler ended with {other:?}: {}", tail(&ended.stderr)), time },
    })
}

fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    text[text.len().saturating_sub(400)..].to_string()
}

/// The first error's message and the files errors point into, from rustc's JSON diagnostics.
fn errors(stderr: &str) -> (String, BTreeSet<String>, bool) {
    let mut first = String::new();
    let mut files = BTreeSet::new();
    let mut unattributed = false;
    for line in stderr.lines() {
        let Ok(diag) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if diag.get("level").and_then(|l| l.as_str()) != Some("error") {
            continue;
        }
        let message = diag.get("message").and_then(|m| m.as_str()).unwrap_or("");
        // "aborting due to N previous errors" is a summary, not an error of its own.
        if message.starts_with("aborting due to") {
            continue;
        }
        if first.is_empty() {
            let code = diag.pointer("/code/code").and_then(|c| c.as_str()).map(|c| format!("[{c}]")).unwrap_or_default();
            first = format!("error{code}: {message}");
        }
        let spans = diag.get("spans").and_then(|s| s.as_array()).cloned().unwrap_or_default();
        let mut named = false;
        for span in &spans {
            if let Some(file) = span.get("file_name").and_then(|f| f.as_str()) {
                files.insert(Path::new(file).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default());
                named = true;
            }
        }
        unattributed |= !named;
    }
    (first, files, unattributed)
}
