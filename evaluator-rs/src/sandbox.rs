//! Running the compiler on untrusted code: bubblewrap isolation (no network, no host files but
//! the toolchain and system libraries, read-only; a fresh tmpfs as the only writable place; an
//! empty environment), rlimits, a wall-clock timeout that kills the whole process group, and
//! capped output. Without isolation only an explicit `Isolation::None` runs anything.

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Which isolation runs untrusted code: the compiler here, programs in `exec::jail` (one enum for both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Isolation {
    Bwrap(PathBuf),
    None,
}

impl Isolation {
    pub fn name(&self) -> &'static str {
        match self {
            Isolation::Bwrap(_) => "bwrap",
            Isolation::None => "none",
        }
    }
}

/// Resource limits for one sandboxed run: a compiler run here, a build or a program run in
/// `exec::jail` (one limits type for both).
#[derive(Debug, Clone)]
pub struct Limits {
    pub wall: Duration,
    pub address_space_bytes: u64,
    pub cpu_seconds: u64,
    /// Processes *and threads* of the run's uid (RLIMIT_NPROC); not enforced for root.
    pub max_processes: u64,
    pub max_file_bytes: u64,
    pub max_open_files: u64,
    /// Size of the private tmpfs at /tmp (program jails; the compiler's scratch is not capped).
    pub tmpfs_bytes: u64,
    /// Bytes of stdout and of stderr kept. Here the rest is read and dropped; a program jail
    /// ends the run at one byte more.
    pub output_cap: usize,
}

impl Limits {
    pub fn with_wall(wall: Duration) -> Limits {
        Limits {
            wall,
            address_space_bytes: 2 << 30,
            cpu_seconds: wall.as_secs() + 2,
            // RLIMIT_NPROC counts every process of the user, host-wide: leave room for them.
            max_processes: 4096,
            max_file_bytes: 64 << 20,
            max_open_files: 256,
            tmpfs_bytes: 256 << 20,
            output_cap: 32 << 20,
        }
    }
}

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    Exited { code: Option<i32>, signal: Option<i32>, stdout: String, stderr: String, truncated: bool },
    TimedOut,
    Cancelled,
}

/// Where the sandbox puts things, seen from inside.
pub const SRC_DIR: &str = "/src";
pub const SCRATCH_DIR: &str = "/tmp";

/// A configured sandbox: the isolation and the host paths made visible (read-only) inside.
#[derive(Debug, Clone)]
pub struct Sandbox {
    pub isolation: Isolation,
    visible: Vec<PathBuf>,
}

impl Sandbox {
    /// Bubblewrap isolation exposing `visible` (the sysroot, any dependency dir) read-only.
    /// Fails, naming what is missing, if `bwrap` is absent or cannot create a sandbox here.
    pub fn bwrap(visible: Vec<PathBuf>, probe_program: &Path) -> Result<Sandbox, String> {
        let bwrap = find_bwrap().ok_or_else(|| {
            "sandbox unavailable: `bwrap` (bubblewrap) not found on PATH; install the `bubblewrap` package, \
             or run without isolation explicitly (sandbox=\"none\" / --no-sandbox)"
                .to_string()
        })?;
        let sb = Sandbox { isolation: Isolation::Bwrap(bwrap.clone()), visible };
        let dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        let probe = sb.run(probe_program, &["--version".into()], dir.path(), &Limits::with_wall(Duration::from_secs(30)), &AtomicBool::new(false));
        match probe {
            Ok(Outcome::Exited { code: Some(0), .. }) => Ok(sb),
            Ok(Outcome::Exited { stderr, code, signal, .. }) => Err(format!(
                "sandbox unavailable: {} could not run the toolchain (exit {code:?}, signal {signal:?}): {}; \
                 bubblewrap needs unprivileged user namespaces or root. Run without isolation explicitly \
                 (sandbox=\"none\" / --no-sandbox) only if you trust the samples",
                bwrap.display(),
                stderr.trim()
            )),
            Ok(other) => Err(format!("sandbox unavailable: bubblewrap probe ended with {other:?}")),
            Err(e) => Err(format!("sandbox unavailable: {e}")),
        }
    }

    /// No isolation at all: only for an explicit request.
    pub fn none() -> Sandbox {
        Sandbox { isolation: Isolation::None, visible: Vec::new() }
    }

    /// A writable directory for compiler outputs.
    pub fn scratch_dir(&self, host_dir: &Path) -> PathBuf {
        match self.isolation {
            Isolation::Bwrap(_) => PathBuf::from(SCRATCH_DIR),
            Isolation::None => host_dir.join("out"),
        }
    }

    /// Runs `program args` with `host_dir` as its (read-only, under bwrap) working directory.
    /// `cancel` is polled while waiting; setting it kills the run.
    pub fn run(&self, program: &Path, args: &[OsString], host_dir: &Path, limits: &Limits, cancel: &AtomicBool) -> Result<Outcome, String> {
        let mut cmd = match &self.isolation {
            Isolation::Bwrap(bwrap) => {
                let mut cmd = Command::new(bwrap);
                // --clearenv only clears the child's environment; bwrap itself becomes the sandbox's
                // pid 1, and /proc/1/environ would show the host's variables to include_bytes!.
                cmd.env_clear();
                // A user namespace of its own (also when started by root) so the compiler holds no
                // capability and can create no nested namespace (`--disable-userns`, bubblewrap >= 0.8).
                cmd.args(["--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop", "ALL"]);
                cmd.args(["--die-with-parent", "--new-session", "--clearenv"]);
                for dir in ["/usr/lib", "/usr/lib64", "/usr/lib32"] {
                    if Path::new(dir).is_dir() {
                        cmd.args(["--ro-bind", dir, dir]);
                    }
                }
                for dir in ["/lib", "/lib64", "/lib32"] {
                    let p = Path::new(dir);
                    if let Ok(target) = p.read_link() {
                        cmd.arg("--symlink").arg(target).arg(dir);
                    } else if p.is_dir() {
                        cmd.args(["--ro-bind", dir, dir]);
                    }
                }
                // The scratch tmpfs goes first: a visible directory under /tmp (a dependency set
                // in a temporary cache, say) is then mounted over it rather than hidden by it.
                cmd.args(["--proc", "/proc", "--dev", "/dev", "--tmpfs", SCRATCH_DIR]);
                for dir in &self.visible {
                    cmd.arg("--ro-bind").arg(dir).arg(dir);
                }
                cmd.arg("--ro-bind").arg(host_dir).arg(SRC_DIR);
                cmd.args(["--chdir", SRC_DIR, "--"]);
                cmd.arg(program);
                cmd
            }
            Isolation::None => {
                std::fs::create_dir_all(host_dir.join("out")).map_err(|e| format!("cannot create output dir: {e}"))?;
                let mut cmd = Command::new(program);
                cmd.current_dir(host_dir);
                cmd
            }
        };
        cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.process_group(0);
        let rl = limits.clone();
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: only async-signal-safe calls (close_range/fcntl, prctl, setrlimit) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                close_inherited_fds(&[])?;
                die_with_parent(parent)?;
                apply_rlimits(&rl)
            });
        }
        let start = Instant::now();
        let mut child = cmd.spawn().map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let out_reader = spawn_reader(child.stdout.take(), limits.output_cap);
        let err_reader = spawn_reader(child.stderr.take(), limits.output_cap);
        let waited = wait_with_deadline(&mut child, start + limits.wall, cancel);
        kill_group(&child);
        let status = match waited {
            Ok(Some(status)) => status,
            Ok(None) => {
                let _ = child.wait();
                let (_, _) = (out_reader.join(), err_reader.join());
                return Ok(if cancel.load(Ordering::Relaxed) { Outcome::Cancelled } else { Outcome::TimedOut });
            }
            Err(e) => return Err(format!("waiting for {}: {e}", program.display())),
        };
        let (stdout, t1) = out_reader.join().unwrap_or_default();
        let (stderr, t2) = err_reader.join().unwrap_or_default();
        Ok(Outcome::Exited { code: status.code(), signal: status.signal(), stdout, stderr, truncated: t1 || t2 })
    }
}

fn apply_rlimits(l: &Limits) -> std::io::Result<()> {
    set_rlimit(libc::RLIMIT_AS, l.address_space_bytes, l.address_space_bytes)?;
    set_rlimit(libc::RLIMIT_CPU, l.cpu_seconds, l.cpu_seconds)?;
    set_rlimit(libc::RLIMIT_NPROC, l.max_processes, l.max_processes)?;
    set_rlimit(libc::RLIMIT_FSIZE, l.max_file_bytes, l.max_file_bytes)?;
    set_rlimit(libc::RLIMIT_NOFILE, l.max_open_files, l.max_open_files)?;
    set_rlimit(libc::RLIMIT_CORE, 0, 0)
}

/// Marks every descriptor from 3 up close-on-exec except `keep`, between fork and exec: whatever the
/// caller left open and inheritable (a Python `os.open` made inheritable, a descriptor of another
/// library) would otherwise be open inside the sandbox, where `/proc/self/fd/N` names it.
/// Async-signal-safe: one `close_range` call, or an `fcntl` loop on kernels before 5.11.
pub(crate) fn close_inherited_fds(keep: &[libc::c_int]) -> std::io::Result<()> {
    const CLOSE_RANGE_CLOEXEC: libc::c_uint = 1 << 2;
    // SAFETY: plain syscalls on descriptor numbers; EBADF for numbers not open is expected.
    unsafe {
        if libc::syscall(libc::SYS_close_range, 3 as libc::c_uint, libc::c_uint::MAX, CLOSE_RANGE_CLOEXEC) != 0 {
            let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            let top = if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 { lim.rlim_cur.min(1 << 20) as libc::c_int } else { 1 << 16 };
            for fd in 3..top {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            }
        }
        for &fd in keep {
            if libc::fcntl(fd, libc::F_SETFD, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
    }
    Ok(())
}

/// SIGKILL for the calling process when the thread that started it ends (sigil killed with
/// `kill -9` included), between fork and exec. The kernel clears this on a change of credentials,
/// so call it after any `setuid`. If `parent` is already gone (we were reparented), exits at once.
pub(crate) fn die_with_parent(parent: libc::pid_t) -> std::io::Result<()> {
    // SAFETY: plain syscalls.
    unsafe {
        if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if libc::getppid() != parent {
            libc::_exit(1);
        }
    }
    Ok(())
}

/// `setrlimit` for the calling process; async-signal-safe, so usable between fork and exec.
pub(crate) fn set_rlimit(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) -> std::io::Result<()> {
    let lim = libc::rlimit { rlim_cur: soft as libc::rlim_t, rlim_max: hard as libc::rlim_t };
    // SAFETY: plain syscall on a valid struct.
    if unsafe { libc::setrlimit(resource, &lim) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

fn spawn_reader<R: Read + Send + 'static>(pipe: Option<R>, cap: usize) -> thread::JoinHandle<(String, bool)> {
    thread::spawn(move || {
        let Some(mut pipe) = pipe else { return (String::new(), false) };
        let mut kept = Vec::new();
        let mut truncated = false;
        let mut buf = [0u8; 64 * 1024];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = cap.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                    truncated |= n > room;
                }
            }
        }
        (String::from_utf8_lossy(&kept).into_owned(), truncated)
    })
}

fn wait_with_deadline(child: &mut Child, deadline: Instant, cancel: &AtomicBool) -> std::io::Result<Option<std::process::ExitStatus>> {
    let mut pause = Duration::from_micros(500);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline || cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(5));
    }
}

fn kill_group(child: &Child) {
    // The child leads its own process group (process_group(0)); bwrap's inner processes die with
    // it (--die-with-parent) and with the pid namespace.
    let pgid = child.id() as libc::pid_t;
    // SAFETY: signalling a process group we created; ESRCH (already gone) is fine.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

/// bubblewrap on PATH, for the compiler sandbox and the program jails alike.
pub(crate) fn find_bwrap() -> Option<PathBuf> {
    find_on_path("bwrap")
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(sb: &Sandbox, script: &str, wall_ms: u64) -> Outcome {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits::with_wall(Duration::from_millis(wall_ms));
        sb.run(Path::new("/usr/bin/sh"), &["-c".into(), script.into()], dir.path(), &limits, &AtomicBool::new(false)).unwrap()
    }

    #[test]
    fn timeout_kills_the_process_group() {
        let start = Instant::now();
        let out = sh(&Sandbox::none(), "sleep 30 & sleep 30; echo done", 300);
        assert!(matches!(out, Outcome::TimedOut), "{out:?}");
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn output_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        let mut limits = Limits::with_wall(Duration::from_secs(20));
        limits.output_cap = 1000;
        let out = Sandbox::none()
            .run(Path::new("/bin/sh"), &["-c".into(), "head -c 100000 /dev/zero".into()], dir.path(), &limits, &AtomicBool::new(false))
            .unwrap();
        match out {
            Outcome::Exited { stdout, truncated, .. } => assert!(truncated && stdout.len() == 1000),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bwrap_hides_the_host_and_its_environment() {
        let Ok(sb) = Sandbox::bwrap(vec![PathBuf::from("/usr/bin")], Path::new("/usr/bin/true")) else {
            eprintln!("bwrap unavailable here; isolation test skipped");
            return;
        };
        std::env::set_var("SIGIL_SECRET", "x");
        let out = sh(&sb, "ls /etc /home 2>&1; cat /etc/passwd 2>&1; echo env=$SIGIL_SECRET; touch /src/f 2>&1 || echo ro", 20_000);
        match out {
            Outcome::Exited { stdout, .. } => {
                assert!(!stdout.contains("root:"), "{stdout}");
                assert!(stdout.contains("env=\n"), "{stdout}");
                assert!(stdout.contains("ro"), "{stdout}");
            }
            other => panic!("{other:?}"),
        }
    }
}
