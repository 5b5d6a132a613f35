//! The one runner for untrusted code: the compiler checking samples (`batch.rs`), and the builds
//! and program runs of functional evaluation (`exec/`).
//!
//! Every run gets: bubblewrap isolation (no network, private pid/ipc/uts namespaces, its own user
//! namespace with no capability and no nested user namespace, an empty environment, a root that is
//! read-only, the host visible only through the mounts the caller names, a size-capped private
//! tmpfs at /tmp), rlimits, no descriptor of the caller but those placed on purpose, the
//! parent-death signal, a wall-clock deadline and a cancel flag after which the whole sandbox is
//! killed, stdin fed from memory, and stdout/stderr capped (going over the cap ends the run).
//! What callers choose: the mounts, the working directory and environment inside, the limits, and
//! `run_as` (see there). Without isolation only an explicit `Isolation::None` runs anything.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Which isolation runs untrusted code.
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

/// Resource limits for one run.
#[derive(Debug, Clone)]
pub struct Limits {
    pub wall: Duration,
    pub address_space_bytes: u64,
    /// SIGXCPU at this many CPU seconds, SIGKILL one second later if it is caught.
    pub cpu_seconds: u64,
    /// Processes *and threads* of the run's uid (RLIMIT_NPROC); not enforced for root.
    pub max_processes: u64,
    pub max_file_bytes: u64,
    pub max_open_files: u64,
    /// Size of the private tmpfs at /tmp.
    pub tmpfs_bytes: u64,
    /// Bytes of stdout and of stderr a run may write; one more ends it (`End::OutputLimit`).
    pub output_cap: usize,
}

impl Limits {
    /// The compiler's limits for one check.
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

/// A host path made visible inside the sandbox.
#[derive(Debug, Clone)]
pub enum Mount {
    ReadOnly { host: PathBuf, inside: PathBuf },
    Writable { host: PathBuf, inside: PathBuf },
}

impl Mount {
    fn paths(&self) -> (&Path, &Path) {
        match self {
            Mount::ReadOnly { host, inside } | Mount::Writable { host, inside } => (host, inside),
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    Exited(i32),
    Signaled(i32),
    WallTimeout,
    OutputLimit,
    /// The caller's cancel flag was set.
    Cancelled,
}

#[derive(Debug, Clone)]
pub struct Ended {
    pub end: End,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub wall: Duration,
    /// User + system CPU time of the run and everything it waited for.
    pub cpu: Duration,
}

/// One command to run; `Job::new` fills in the usual rest.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    /// The program and its arguments, paths as seen inside.
    pub program: &'a Path,
    pub args: &'a [OsString],
    /// The working directory as seen inside. Without isolation it is the host path a mount maps
    /// it to, and the caller's own directory when no mount does.
    pub cwd: &'a Path,
    /// The whole environment inside (nothing of the caller's is passed on).
    pub env: &'a [(&'a str, &'a str)],
    pub stdin: &'a [u8],
    pub limits: &'a Limits,
    /// Polled while waiting; setting it kills the run (`End::Cancelled`).
    pub cancel: Option<&'a AtomicBool>,
}

impl<'a> Job<'a> {
    pub fn new(program: &'a Path, args: &'a [OsString], limits: &'a Limits) -> Job<'a> {
        Job { program, args, cwd: Path::new(SCRATCH_DIR), env: &[], stdin: b"", limits, cancel: None }
    }
}

/// The private tmpfs inside: the only writable place besides `Mount::Writable`s.
pub const SCRATCH_DIR: &str = "/tmp";

/// A configured sandbox: the isolation, what it shows of the host, and the uid it runs as.
#[derive(Debug, Clone)]
pub struct Sandbox {
    pub isolation: Isolation,
    pub mounts: Vec<Mount>,
    /// Switch to this uid/gid before starting bubblewrap (root only). Program runs use it (one uid
    /// per worker, `exec/uids.rs`): RLIMIT_NPROC is not enforced for root, so without it a fork
    /// bomb is bounded only by the wall clock. The compiler does not: it runs no sample code, and
    /// its sysroot (often under root's home) must stay readable.
    pub run_as: Option<(u32, u32)>,
}

impl Sandbox {
    /// No isolation at all: only for an explicit request.
    pub fn none() -> Sandbox {
        Sandbox { isolation: Isolation::None, mounts: Vec::new(), run_as: None }
    }

    /// Bubblewrap showing `mounts`, checked by running `probe` (with `probe_args`) inside. Fails,
    /// naming what is missing and `without` (how to run without isolation), if `bwrap` is absent
    /// or cannot create a sandbox here.
    pub fn bwrap(mounts: Vec<Mount>, probe: &Path, probe_args: &[OsString], without: &str) -> Result<Sandbox, String> {
        let bwrap = find_on_path("bwrap")
            .ok_or_else(|| format!("sandbox unavailable: `bwrap` (bubblewrap) not found on PATH; install the `bubblewrap` package, or {without}"))?;
        let sandbox = Sandbox { isolation: Isolation::Bwrap(bwrap.clone()), mounts, run_as: None };
        let limits = Limits::with_wall(Duration::from_secs(30));
        match sandbox.run(&Job::new(probe, probe_args, &limits)) {
            Ok(Ended { end: End::Exited(0), .. }) => Ok(sandbox),
            Ok(e) => Err(format!(
                "sandbox unavailable: {} could not run {} ({:?}: {}); bubblewrap needs unprivileged user namespaces or root. \
                 Otherwise {without}",
                bwrap.display(),
                probe.display(),
                e.end,
                String::from_utf8_lossy(&e.stderr).trim()
            )),
            Err(e) => Err(format!("sandbox unavailable: {e}")),
        }
    }

    /// Runs a job. A run the sandbox could not start (bubblewrap failing, a process limit hit by
    /// someone else) is tried twice more before it is an error: never the program's verdict.
    pub fn run(&self, job: &Job<'_>) -> Result<Ended, String> {
        retried(|| self.run_once(job, None)).map(|(ended, _)| ended)
    }

    /// As [`Sandbox::run`], for a binary linked with the test witness (`exec/witness.rs`): `nonce`
    /// is readable on descriptor `NONCE_FD` when the program starts, and what the program wrote to
    /// `REPORT_FD` (at most 4 KiB) comes back with how it ended.
    pub fn run_witnessed(&self, job: &Job<'_>, nonce: &[u8]) -> Result<(Ended, Vec<u8>), String> {
        retried(|| self.run_once(job, Some(nonce)))
    }

    /// Where a path seen inside is on the host (for runs without isolation): through the mount
    /// that maps it; `None` when no mount does.
    pub fn host_path(&self, inside: &Path) -> Option<PathBuf> {
        self.mounts.iter().map(Mount::paths).find_map(|(host, at)| inside.strip_prefix(at).ok().map(|rest| host.join(rest)))
    }

    fn command(&self, job: &Job<'_>, info: bool) -> Command {
        let mut cmd = match &self.isolation {
            Isolation::Bwrap(bwrap) => {
                let mut cmd = Command::new(bwrap);
                // --clearenv only clears the child's environment; bubblewrap itself becomes the
                // sandbox's pid 1, and /proc/1/environ would show it (to `include_bytes!`, say).
                cmd.env_clear();
                // A user namespace of its own (also when started by root): no capability inside,
                // and no nested user namespace either (`--disable-userns`, bubblewrap >= 0.8).
                cmd.args(["--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop", "ALL"]);
                cmd.args(["--die-with-parent", "--new-session", "--clearenv"]);
                if info {
                    cmd.arg("--info-fd").arg(INFO_FD.to_string());
                }
                // The host's merged-/usr links, so a program finds /lib/ld-linux... once /usr/lib
                // is mounted (they point nowhere otherwise).
                for link in ["/bin", "/lib", "/lib64", "/lib32"] {
                    if let Ok(target) = Path::new(link).read_link() {
                        cmd.arg("--symlink").arg(target).arg(link);
                    }
                }
                // The scratch tmpfs goes before the mounts: one under /tmp (a dependency set in a
                // temporary cache, say) is then mounted over it rather than hidden by it.
                cmd.args(["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size"])
                    .arg(job.limits.tmpfs_bytes.to_string())
                    .args(["--tmpfs", SCRATCH_DIR]);
                for mount in &self.mounts {
                    match mount {
                        Mount::ReadOnly { host, inside } => cmd.arg("--ro-bind").arg(host).arg(inside),
                        Mount::Writable { host, inside } => cmd.arg("--bind").arg(host).arg(inside),
                    };
                }
                cmd.args(["--remount-ro", "/", "--chdir"]).arg(job.cwd);
                for (k, v) in job.env {
                    cmd.args(["--setenv", k, v]);
                }
                cmd.arg("--").arg(job.program);
                cmd
            }
            Isolation::None => {
                let mut cmd = Command::new(job.program);
                cmd.env_clear().envs(job.env.iter().copied());
                if let Some(dir) = self.host_path(job.cwd) {
                    cmd.current_dir(dir);
                }
                cmd
            }
        };
        cmd.args(job.args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.process_group(0);
        cmd
    }

    fn run_once(&self, job: &Job<'_>, nonce: Option<&[u8]>) -> Result<(Ended, Vec<u8>), String> {
        // The nonce waits in a pipe whose write end is closed at once (the wrapper reads it to
        // end of file); the report pipe's write end exists only in the sandbox.
        let witness = match nonce {
            Some(nonce) => {
                let given = Pipe::new()?;
                let report = Pipe::new()?;
                // SAFETY: writing a few bytes into a fresh, empty pipe cannot block.
                let wrote = unsafe { libc::write(given.write, nonce.as_ptr().cast(), nonce.len()) };
                if wrote != nonce.len() as isize {
                    return Err(format!("writing the nonce: {}", std::io::Error::last_os_error()));
                }
                Some((given.into_read(), report))
            }
            None => None,
        };
        // bubblewrap tells the host pid of the sandbox's init on this pipe: killing that one process
        // ends the whole pid namespace, and bubblewrap then exits and is reaped normally (killing
        // bubblewrap instead would leave its init as a zombie for the host's init to reap).
        let info = match self.isolation {
            Isolation::Bwrap(_) => Some(Pipe::new()?),
            Isolation::None => None,
        };
        let mut cmd = self.command(job, info.is_some());
        let rl = job.limits.clone();
        let run_as = self.run_as;
        // (descriptor here, number inside): what the sandbox inherits, and nothing else.
        let mut placed: Vec<(libc::c_int, libc::c_int)> = Vec::new();
        if let Some(pipe) = &info {
            placed.push((pipe.write, INFO_FD));
        }
        if let Some((given, report)) = &witness {
            placed.push((given.fd, crate::exec::witness::NONCE_FD));
            placed.push((report.write, crate::exec::witness::REPORT_FD));
        }
        let has_info = info.is_some();
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: between fork and exec only async-signal-safe syscalls (close_range, fcntl, dup2,
        // setrlimit, setgroups, setgid, setuid, prctl, fork) run.
        unsafe {
            cmd.pre_exec(move || {
                // Nothing the caller left open reaches the sandbox; the info pipe reaches
                // bubblewrap only; the witness descriptors reach the program at fixed numbers.
                let mut keep = [0 as libc::c_int; 3];
                for (slot, &(_, to)) in placed.iter().enumerate() {
                    keep[slot] = to;
                }
                place_fds(&placed)?;
                close_inherited_fds(&keep[..placed.len()])?;
                apply(&rl, run_as)?;
                // After setuid, which would clear it.
                die_with_parent(parent)?;
                if has_info {
                    become_reaper()?;
                }
                Ok(())
            });
        }
        let start = Instant::now();
        let spawned = cmd.spawn();
        let sandbox_init = info.map(Pipe::read_child_pid);
        // Our copies of the sandbox's ends go now: end of file on the report pipe then means every
        // process inside is gone.
        let report_read = witness.map(|(given, report)| {
            drop(given);
            report.into_read()
        });
        let mut child = spawned.map_err(|e| format!("cannot start {}: {e}", job.program.display()))?;
        let pid = child.id() as libc::pid_t;
        let mut input = child.stdin.take();
        let data = job.stdin.to_vec();
        let feeder = thread::spawn(move || {
            if let Some(pipe) = input.as_mut() {
                // A program that never reads its input must not block us: errors (EPIPE) are fine.
                let _ = pipe.write_all(&data);
            }
        });
        let (over_tx, over_rx) = std::sync::mpsc::channel::<()>();
        let out_reader = spawn_reader(child.stdout.take(), job.limits.output_cap, over_tx.clone());
        let err_reader = spawn_reader(child.stderr.take(), job.limits.output_cap, over_tx);
        let deadline = start + job.limits.wall;
        let mut pause = Duration::from_micros(300);
        let (mut overflow, mut timed_out, mut cancelled) = (false, false, false);
        let (status, usage) = loop {
            if let Some(done) = try_wait4(pid)? {
                break done;
            }
            overflow = over_rx.try_recv().is_ok();
            timed_out = Instant::now() >= deadline;
            cancelled = job.cancel.is_some_and(|c| c.load(Ordering::Relaxed));
            if overflow || timed_out || cancelled {
                break stop(pid, sandbox_init)?;
            }
            thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(5));
        };
        let wall = start.elapsed();
        // In bubblewrap everything died with its pid namespace; unsandboxed, children may linger in the group.
        if matches!(self.isolation, Isolation::None) {
            kill_group(pid);
        }
        let _ = feeder.join();
        let (stdout, t1) = out_reader.join().unwrap_or_default();
        let (stderr, t2) = err_reader.join().unwrap_or_default();
        let cpu = timeval(usage.ru_utime) + timeval(usage.ru_stime);
        let end = if cancelled {
            End::Cancelled
        } else if overflow || t1 || t2 {
            End::OutputLimit
        } else if timed_out {
            End::WallTimeout
        } else if libc::WIFSIGNALED(status) {
            End::Signaled(libc::WTERMSIG(status))
        } else {
            let code = libc::WEXITSTATUS(status);
            match &self.isolation {
                // bubblewrap reports a child killed by signal N as exit status 128 + N.
                Isolation::Bwrap(_) if (129..=128 + 64).contains(&code) => End::Signaled(code - 128),
                _ => End::Exited(code),
            }
        };
        if matches!(self.isolation, Isolation::Bwrap(_)) && end == End::Exited(1) && stderr.starts_with(b"bwrap: ") && stdout.is_empty() {
            // The sandbox never started: a harness failure, not the program's verdict.
            return Err(format!("sandbox failed to start: {}", String::from_utf8_lossy(&stderr).trim()));
        }
        let report = report_read.map(|r| r.drain(4096)).unwrap_or_default();
        Ok((Ended { end, stdout, stderr, wall, cpu }, report))
    }
}

/// Tries `attempt` three times, pausing in between, and keeps the last error.
fn retried<T>(mut attempt: impl FnMut() -> Result<T, String>) -> Result<T, String> {
    let mut last = String::new();
    for pause_ms in [0u64, 50, 250] {
        thread::sleep(Duration::from_millis(pause_ms));
        match attempt() {
            Ok(done) => return Ok(done),
            Err(e) => last = e,
        }
    }
    Err(format!("{last} (after 3 attempts)"))
}

/// rlimits, then the uid switch (root only), between fork and exec.
fn apply(l: &Limits, run_as: Option<(u32, u32)>) -> std::io::Result<()> {
    set_rlimit(libc::RLIMIT_AS, l.address_space_bytes, l.address_space_bytes)?;
    // Soft limit first: SIGXCPU at the limit, SIGKILL one second later if it is caught.
    set_rlimit(libc::RLIMIT_CPU, l.cpu_seconds, l.cpu_seconds + 1)?;
    set_rlimit(libc::RLIMIT_NPROC, l.max_processes, l.max_processes)?;
    set_rlimit(libc::RLIMIT_FSIZE, l.max_file_bytes, l.max_file_bytes)?;
    set_rlimit(libc::RLIMIT_NOFILE, l.max_open_files, l.max_open_files)?;
    set_rlimit(libc::RLIMIT_CORE, 0, 0)?;
    if let Some((uid, gid)) = run_as {
        // SAFETY: plain syscalls; order matters (groups and gid while still root).
        unsafe {
            if libc::setgroups(0, std::ptr::null()) != 0 || libc::setgid(gid) != 0 || libc::setuid(uid) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
    }
    Ok(())
}

/// Marks every descriptor from 3 up close-on-exec except `keep`, between fork and exec: whatever the
/// caller left open and inheritable (a Python `os.open` made inheritable, a descriptor of another
/// library) would otherwise be open inside the sandbox, where `/proc/self/fd/N` names it.
/// Async-signal-safe: one `close_range` call, or an `fcntl` loop on kernels before 5.11.
fn close_inherited_fds(keep: &[libc::c_int]) -> std::io::Result<()> {
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
fn die_with_parent(parent: libc::pid_t) -> std::io::Result<()> {
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
fn set_rlimit(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) -> std::io::Result<()> {
    let lim = libc::rlimit { rlim_cur: soft as libc::rlim_t, rlim_max: hard as libc::rlim_t };
    // SAFETY: plain syscall on a valid struct.
    if unsafe { libc::setrlimit(resource, &lim) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Forks: the child goes on to exec bubblewrap, this process stays behind as its reaper.
///
/// Unprivileged bubblewrap exits as soon as it knows its command's status, without waiting for the
/// sandbox's init; that init then dies as an orphan and stays a zombie — still counted against the
/// uid's process limit — until the host's init reaps it, which can take long enough for later
/// sandboxes of the same uid to fail with EAGAIN. As a subreaper this process inherits such
/// orphans, reaps every one, and exits with bubblewrap's status only when none is left.
fn become_reaper() -> std::io::Result<()> {
    // SAFETY: only async-signal-safe calls (prctl, fork, close, waitpid, _exit) in this forked child.
    unsafe {
        if libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let reaper = libc::getpid();
        let bwrap = libc::fork();
        if bwrap < 0 {
            return Err(std::io::Error::last_os_error());
        }
        if bwrap == 0 {
            // Not inherited across fork: bubblewrap dies with this reaper, which dies with sigil.
            return die_with_parent(reaper);
        }
        // Hold no descriptor open: this fork never execs, so it still has every pipe end of the
        // harness (ours and other threads'), and a program waits for its stdin's end of file.
        if libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32) != 0 {
            for fd in 0..4096 {
                libc::close(fd);
            }
        }
        let mut code = 1;
        loop {
            let mut status = 0;
            let pid = libc::waitpid(-1, &mut status, 0);
            if pid == bwrap {
                code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { 128 + libc::WTERMSIG(status) };
            } else if pid < 0 && *libc::__errno_location() != libc::EINTR {
                break;
            }
        }
        libc::_exit(code);
    }
}

fn timeval(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

fn try_wait4(pid: libc::pid_t) -> Result<Option<(i32, libc::rusage)>, String> {
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid out-parameter.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child.
    let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
    match r {
        0 => Ok(None),
        r if r == pid => Ok(Some((status, usage))),
        _ => Err(format!("wait4: {}", std::io::Error::last_os_error())),
    }
}

fn wait4_blocking(pid: libc::pid_t) -> Result<(i32, libc::rusage), String> {
    let mut status = 0;
    // SAFETY: as in try_wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: waiting for our own child.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            return Ok((status, usage));
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4: {err}"));
        }
    }
}

/// Ends a run early: the sandbox's init first (bubblewrap then exits by itself), the whole
/// process group if that does not end it within a second.
fn stop(pid: libc::pid_t, sandbox_init: Option<thread::JoinHandle<Option<libc::pid_t>>>) -> Result<(i32, libc::rusage), String> {
    if let Some(init) = sandbox_init.and_then(|h| h.join().ok().flatten()) {
        // SAFETY: signalling the sandbox's init, a process of ours.
        unsafe {
            libc::kill(init, libc::SIGKILL);
        }
        let grace = Instant::now() + Duration::from_secs(1);
        while Instant::now() < grace {
            if let Some(done) = try_wait4(pid)? {
                return Ok(done);
            }
            thread::sleep(Duration::from_millis(2));
        }
    }
    kill_group(pid);
    wait4_blocking(pid)
}

fn kill_group(pid: libc::pid_t) {
    // The run leads its own process group; the sandboxed processes die with bubblewrap
    // (--die-with-parent) and with their pid namespace.
    // SAFETY: signalling the process group we created; ESRCH (already gone) is fine.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}

/// Where bubblewrap's info pipe is inside (3 and 4 are the witness's).
const INFO_FD: libc::c_int = 5;

/// Puts each descriptor at its number in the child, between fork and exec. Each source is first
/// copied above every target, so no target overwrites a source not yet placed; whatever already
/// held a target number (the runtime's own exec-error pipe, say) is moved out of the way first.
/// Async-signal-safe (fcntl, dup2, close).
fn place_fds(placed: &[(libc::c_int, libc::c_int)]) -> std::io::Result<()> {
    const ABOVE: libc::c_int = 16;
    let mut copies = [0 as libc::c_int; 3];
    // SAFETY: plain descriptor syscalls.
    unsafe {
        for (slot, &(from, _)) in placed.iter().enumerate() {
            copies[slot] = libc::fcntl(from, libc::F_DUPFD_CLOEXEC, ABOVE);
            if copies[slot] < 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        for (slot, &(_, to)) in placed.iter().enumerate() {
            // Keep an occupant alive elsewhere (close-on-exec), as its owner may still use it.
            if libc::fcntl(to, libc::F_GETFD) >= 0 && !placed.iter().any(|&(from, _)| from == to) && libc::fcntl(to, libc::F_DUPFD_CLOEXEC, ABOVE) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::dup2(copies[slot], to) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::close(copies[slot]);
        }
    }
    Ok(())
}

/// One end of a pipe, closed when dropped.
struct PipeEnd {
    fd: libc::c_int,
}

impl Drop for PipeEnd {
    fn drop(&mut self) {
        // SAFETY: our own descriptor, closed once.
        unsafe {
            libc::close(self.fd);
        }
    }
}

impl PipeEnd {
    /// What is in the pipe now, up to `cap` bytes, without waiting for more.
    fn drain(&self, cap: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 1024];
        // SAFETY: plain syscalls on our own descriptor and buffer.
        unsafe {
            let flags = libc::fcntl(self.fd, libc::F_GETFL);
            libc::fcntl(self.fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
            while out.len() < cap {
                let n = libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len());
                if n <= 0 {
                    break;
                }
                out.extend_from_slice(&buf[..n as usize]);
            }
        }
        out.truncate(cap);
        out
    }
}

/// A pipe whose write end the sandbox inherits.
struct Pipe {
    read: libc::c_int,
    write: libc::c_int,
}

impl Pipe {
    fn new() -> Result<Pipe, String> {
        let mut fds = [0; 2];
        // SAFETY: fds is a valid two-element array.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Err(format!("pipe: {}", std::io::Error::last_os_error()));
        }
        Ok(Pipe { read: fds[0], write: fds[1] })
    }

    /// Closes the write end; the read end stays open.
    fn into_read(self) -> PipeEnd {
        let (read, write) = (PipeEnd { fd: self.read }, PipeEnd { fd: self.write });
        drop(write);
        read
    }

    /// Closes our copy of the write end and reads bubblewrap's `{"child-pid": N}` in a thread.
    fn read_child_pid(self) -> thread::JoinHandle<Option<libc::pid_t>> {
        use std::os::fd::FromRawFd;
        // SAFETY: both fds are ours and each is owned exactly once from here on.
        let (mut read, write) = unsafe { (std::fs::File::from_raw_fd(self.read), std::fs::File::from_raw_fd(self.write)) };
        drop(write);
        thread::spawn(move || {
            // One small JSON object; do not wait for end of file, which comes only when bubblewrap exits.
            let mut text = Vec::new();
            let mut buf = [0u8; 256];
            while !text.contains(&b'}') {
                match read.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => text.extend_from_slice(&buf[..n]),
                }
            }
            let end = text.iter().position(|&b| b == b'}')? + 1;
            let value: serde_json::Value = serde_json::from_slice(&text[..end]).ok()?;
            value.get("child-pid")?.as_i64().map(|p| p as libc::pid_t)
        })
    }
}

/// Reads a pipe, keeping `cap` bytes; one byte more is reported on `over` and ends the reading.
fn spawn_reader<R: Read + Send + 'static>(pipe: Option<R>, cap: usize, over: std::sync::mpsc::Sender<()>) -> thread::JoinHandle<(Vec<u8>, bool)> {
    thread::spawn(move || {
        let Some(mut pipe) = pipe else { return (Vec::new(), false) };
        let mut kept = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => return (kept, false),
                Ok(n) => {
                    let room = cap.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                    if n > room {
                        let _ = over.send(());
                        return (kept, true);
                    }
                }
            }
        }
    })
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Read-only mounts of the host's system directories that exist, at their own paths; on a host
/// without merged /usr, /lib, /lib64 and /lib32 are directories of their own and come along.
pub fn system_dirs(dirs: &[&str]) -> Vec<Mount> {
    let unmerged = ["/lib", "/lib64", "/lib32"].into_iter().filter(|d| Path::new(d).read_link().is_err());
    dirs.iter()
        .copied()
        .chain(unmerged)
        .filter(|d| Path::new(d).is_dir())
        .map(|d| Mount::ReadOnly { host: d.into(), inside: d.into() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(sb: &Sandbox, script: &str, limits: &Limits) -> Ended {
        let args = ["-c".into(), script.into()];
        sb.run(&Job { env: &[("PATH", "/usr/bin:/bin")], ..Job::new(Path::new("/bin/sh"), &args, limits) }).unwrap()
    }

    fn bwrap() -> Option<Sandbox> {
        match Sandbox::bwrap(system_dirs(&["/usr/bin", "/usr/lib", "/usr/lib64"]), Path::new("/usr/bin/true"), &[], "skip") {
            Ok(sb) => Some(sb),
            Err(e) => {
                eprintln!("bwrap unavailable here ({e}); isolation test skipped");
                None
            }
        }
    }

    #[test]
    fn timeout_kills_the_process_group() {
        let start = Instant::now();
        let out = sh(&Sandbox::none(), "sleep 30 & sleep 30; echo done", &Limits::with_wall(Duration::from_millis(300)));
        assert_eq!(out.end, End::WallTimeout, "{out:?}");
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn cancel_ends_the_run() {
        let limits = Limits::with_wall(Duration::from_secs(60));
        let cancel = AtomicBool::new(true);
        let args = ["-c".into(), "sleep 30".into()];
        let out = Sandbox::none().run(&Job { cancel: Some(&cancel), ..Job::new(Path::new("/bin/sh"), &args, &limits) }).unwrap();
        assert_eq!(out.end, End::Cancelled);
    }

    #[test]
    fn output_over_the_cap_ends_the_run() {
        let mut limits = Limits::with_wall(Duration::from_secs(20));
        limits.output_cap = 1000;
        let out = sh(&Sandbox::none(), "head -c 100000 /dev/zero; sleep 30", &limits);
        assert_eq!(out.end, End::OutputLimit);
        assert_eq!(out.stdout.len(), 1000);
    }

    #[test]
    fn stdin_env_and_cwd_reach_the_program_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        std::env::set_var("SIGIL_SECRET", "x");
        let limits = Limits::with_wall(Duration::from_secs(20));
        let sb = Sandbox { mounts: vec![Mount::ReadOnly { host: dir.path().into(), inside: "/src".into() }], ..Sandbox::none() };
        let args = ["-c".into(), "cat; echo; echo env=$SIGIL_SECRET,$K; pwd".into()];
        let job = Job { cwd: Path::new("/src"), env: &[("K", "v")], stdin: b"in", ..Job::new(Path::new("/bin/sh"), &args, &limits) };
        let out = sb.run(&job).unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text, format!("in\nenv=,v\n{}\n", dir.path().display()));
    }

    #[test]
    fn bwrap_hides_the_host_and_its_environment() {
        let Some(mut sb) = bwrap() else { return };
        let dir = tempfile::tempdir().unwrap();
        sb.mounts.push(Mount::ReadOnly { host: dir.path().into(), inside: "/src".into() });
        std::env::set_var("SIGIL_SECRET", "x");
        let script = "ls /etc /home 2>&1; cat /etc/passwd 2>&1; echo env=$SIGIL_SECRET; tr '\\0' ' ' </proc/1/environ; echo; \
                      touch /src/f 2>&1 || echo ro-src; touch /f 2>&1 || echo ro-root; touch /tmp/f && echo tmp-ok";
        let out = sh(&sb, script, &Limits::with_wall(Duration::from_secs(20)));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.end, End::Exited(0), "{out:?}");
        assert!(!stdout.contains("root:") && !stdout.contains("SIGIL_SECRET=x"), "{stdout}");
        assert!(stdout.contains("env=\n"), "{stdout}");
        assert!(stdout.contains("ro-src") && stdout.contains("ro-root") && stdout.contains("tmp-ok"), "{stdout}");
    }

    #[test]
    fn bwrap_scratch_is_size_capped_and_signals_are_reported() {
        let Some(sb) = bwrap() else { return };
        let mut limits = Limits::with_wall(Duration::from_secs(20));
        limits.tmpfs_bytes = 1 << 20;
        let out = sh(&sb, "head -c 2000000 /dev/zero > /tmp/big || echo full; kill -SEGV $$", &limits);
        assert!(String::from_utf8_lossy(&out.stdout).contains("full"), "{out:?}");
        assert_eq!(out.end, End::Signaled(libc::SIGSEGV), "{out:?}");
    }
}
