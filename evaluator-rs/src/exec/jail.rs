//! One process inside bubblewrap, for building or running a sample: no network, a private pid
//! namespace (everything it spawned dies with it), an empty environment, a size-capped private
//! tmpfs, rlimits, a wall-clock deadline after which the whole process group is killed, stdin fed
//! from memory and stdout/stderr capped (going over the cap kills the run).
//!
//! What it shares with the compiler's `crate::sandbox::Sandbox`: the isolation enum, the limits
//! type, the bubblewrap lookup, rlimits, closing inherited descriptors and the parent-death signal.
//! What differs is the runner: programs need stdin, a writable bind for the built binary, the
//! test witness's descriptors, output over the cap ending the run, and — when sigil runs as root,
//! where RLIMIT_NPROC is not enforced — a switch to an unprivileged uid so a fork bomb hits its
//! process limit. Folding the compiler's runner into this one is the remaining step (issue 9).

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

pub use crate::sandbox::{Isolation, Limits};

/// How the jailed process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    Exited(i32),
    Signaled(i32),
    WallTimeout,
    OutputLimit,
}

#[derive(Debug, Clone)]
pub struct Ended {
    pub end: End,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub wall: Duration,
    /// User + system CPU time of the jail and everything it waited for.
    pub cpu: Duration,
}

/// A host path made visible inside the jail.
#[derive(Debug, Clone)]
pub enum Mount {
    ReadOnly { host: PathBuf, inside: PathBuf },
    Writable { host: PathBuf, inside: PathBuf },
}

/// bubblewrap from PATH, checked by actually starting a jail; the error names what is missing.
pub fn detect() -> Result<Isolation, String> {
    let bwrap = crate::sandbox::find_bwrap()
        .ok_or("sandbox unavailable: `bwrap` (bubblewrap) not found on PATH; install the `bubblewrap` package or pass --no-sandbox for trusted programs")?;
    let probe = Jail { isolation: Isolation::Bwrap(bwrap.clone()), mounts: system_mounts(), run_as: None }.run(
        Path::new("/usr/bin/true"),
        &[],
        None,
        b"",
        &Limits {
            wall: Duration::from_secs(20),
            cpu_seconds: 10,
            address_space_bytes: 1 << 30,
            max_processes: 64,
            max_file_bytes: 1 << 20,
            max_open_files: 64,
            tmpfs_bytes: 1 << 20,
            output_cap: 1 << 16,
        },
    );
    match probe {
        Ok(Ended { end: End::Exited(0), .. }) => Ok(Isolation::Bwrap(bwrap)),
        Ok(e) => Err(format!(
            "sandbox unavailable: {} cannot start a jail here ({:?}: {}); it needs unprivileged user namespaces or root",
            bwrap.display(),
            e.end,
            String::from_utf8_lossy(&e.stderr).trim()
        )),
        Err(e) => Err(format!("sandbox unavailable: {e}")),
    }
}

/// The read-only system directories a compiler and linker need (never /home, /root, /tmp, and of
/// /etc only the alternatives symlinks, through which Debian's `cc` resolves to gcc).
pub fn system_mounts() -> Vec<Mount> {
    ["/usr/bin", "/usr/lib", "/usr/lib64", "/usr/libexec", "/etc/alternatives"]
        .iter()
        .filter(|d| Path::new(d).is_dir())
        .map(|d| Mount::ReadOnly { host: d.into(), inside: d.into() })
        .collect()
}

/// A configured jail: isolation, what it sees, and which uid/gid it runs as.
#[derive(Debug, Clone)]
pub struct Jail {
    pub isolation: Isolation,
    pub mounts: Vec<Mount>,
    /// Switch to this uid/gid before starting bubblewrap (root only): RLIMIT_NPROC is not enforced
    /// for root, so without it a fork bomb is bounded only by the wall clock.
    pub run_as: Option<(u32, u32)>,
}

impl Jail {
    /// Runs `program args` (paths as seen inside) with `cwd` as working directory (inside) and `stdin`.
    pub fn run(&self, program: &Path, args: &[OsString], env: Option<(&str, &str)>, stdin: &[u8], limits: &Limits) -> Result<Ended, String> {
        self.run_inner(program, args, env, stdin, limits, None).map(|(ended, _)| ended)
    }

    /// As [`Jail::run`], for a binary linked with the test witness (`witness.rs`): `nonce` is
    /// readable on descriptor `NONCE_FD` when the program starts, and what the program wrote to
    /// `REPORT_FD` (at most 4 KiB) comes back with how it ended.
    pub fn run_witnessed(&self, program: &Path, args: &[OsString], env: Option<(&str, &str)>, stdin: &[u8], limits: &Limits, nonce: &[u8]) -> Result<(Ended, Vec<u8>), String> {
        self.run_inner(program, args, env, stdin, limits, Some(nonce))
    }

    fn run_inner(&self, program: &Path, args: &[OsString], env: Option<(&str, &str)>, stdin: &[u8], limits: &Limits, nonce: Option<&[u8]>) -> Result<(Ended, Vec<u8>), String> {
        use super::witness::{NONCE_FD, REPORT_FD};
        // The nonce waits in a pipe whose write end is closed at once (the wrapper reads it to
        // end of file); the report pipe's write end exists only in the jail.
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
        let mut cmd = match &self.isolation {
            Isolation::Bwrap(bwrap) => {
                let mut cmd = Command::new(bwrap);
                // bubblewrap's own environment stays readable in /proc/1/environ inside: give it none.
                cmd.env_clear();
                // Its own user namespace (also when started by root): no capability inside, and no
                // nested user namespace either (`--disable-userns`, bubblewrap >= 0.8).
                cmd.args(["--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop", "ALL"]);
                cmd.args(["--die-with-parent", "--new-session", "--clearenv"]);
                if info.is_some() {
                    cmd.arg("--info-fd").arg(INFO_FD.to_string());
                }
                for link in ["lib", "lib64", "bin"] {
                    if Path::new("/usr").join(link).is_dir() {
                        cmd.arg("--symlink").arg(format!("usr/{link}")).arg(format!("/{link}"));
                    }
                }
                for mount in &self.mounts {
                    match mount {
                        Mount::ReadOnly { host, inside } => cmd.arg("--ro-bind").arg(host).arg(inside),
                        Mount::Writable { host, inside } => cmd.arg("--bind").arg(host).arg(inside),
                    };
                }
                cmd.args(["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size"])
                    .arg(limits.tmpfs_bytes.to_string())
                    .args(["--tmpfs", "/tmp", "--remount-ro", "/", "--chdir", "/tmp", "--setenv", "PATH", "/usr/bin"]);
                if let Some((k, v)) = env {
                    cmd.args(["--setenv", k, v]);
                }
                cmd.arg("--").arg(program);
                cmd
            }
            Isolation::None => {
                let mut cmd = Command::new(program);
                cmd.env_clear().env("PATH", "/usr/bin:/bin");
                if let Some((k, v)) = env {
                    cmd.env(k, v);
                }
                cmd
            }
        };
        cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.process_group(0);
        let rl = limits.clone();
        let run_as = self.run_as;
        // (descriptor here, number in the jail): what the jail inherits, and nothing else.
        let mut placed: Vec<(libc::c_int, libc::c_int)> = Vec::new();
        if let Some(pipe) = &info {
            placed.push((pipe.write, INFO_FD));
        }
        if let Some((given, report)) = &witness {
            placed.push((given.fd, NONCE_FD));
            placed.push((report.write, REPORT_FD));
        }
        let has_info = info.is_some();
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: between fork and exec only async-signal-safe syscalls (close_range, fcntl, dup2,
        // setrlimit, setgroups, setgid, setuid, prctl, fork) run.
        unsafe {
            cmd.pre_exec(move || {
                // Nothing the caller left open reaches the jail; the info pipe reaches bubblewrap
                // only; the witness descriptors reach the program at fixed numbers.
                let mut keep = [0 as libc::c_int; 3];
                for (slot, &(_, to)) in placed.iter().enumerate() {
                    keep[slot] = to;
                }
                place_fds(&placed)?;
                crate::sandbox::close_inherited_fds(&keep[..placed.len()])?;
                apply(&rl, run_as)?;
                // After setuid, which would clear it.
                crate::sandbox::die_with_parent(parent)?;
                if has_info {
                    become_reaper()?;
                }
                Ok(())
            });
        }
        let start = Instant::now();
        let spawned = cmd.spawn();
        let sandbox_init = info.map(Pipe::read_child_pid);
        // Our copies of the jail's ends go now: end of file on the report pipe then means every
        // process of the jail is gone.
        let report_read = witness.map(|(given, report)| {
            drop(given);
            report.into_read()
        });
        let mut child = spawned.map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let pid = child.id() as libc::pid_t;
        let mut input = child.stdin.take();
        let data = stdin.to_vec();
        let feeder = thread::spawn(move || {
            if let Some(pipe) = input.as_mut() {
                // A program that never reads its input must not block us: errors (EPIPE) are fine.
                let _ = pipe.write_all(&data);
            }
        });
        let (over_tx, over_rx) = std::sync::mpsc::channel::<()>();
        let out_reader = spawn_reader(child.stdout.take(), limits.output_cap, over_tx.clone());
        let err_reader = spawn_reader(child.stderr.take(), limits.output_cap, over_tx);
        let deadline = start + limits.wall;
        let mut pause = Duration::from_micros(300);
        let mut overflow = false;
        let mut timed_out = false;
        let (status, usage) = loop {
            if let Some(done) = try_wait4(pid)? {
                break done;
            }
            overflow = over_rx.try_recv().is_ok();
            timed_out = Instant::now() >= deadline;
            if overflow || timed_out {
                break stop(pid, sandbox_init)?;
            }
            thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(5));
        };
        let wall = start.elapsed();
        // In a jail everything died with its pid namespace; unsandboxed, children may linger in the group.
        if matches!(self.isolation, Isolation::None) {
            kill_group(pid);
        }
        let _ = feeder.join();
        let (stdout, t1) = out_reader.join().unwrap_or_default();
        let (stderr, t2) = err_reader.join().unwrap_or_default();
        let cpu = timeval(usage.ru_utime) + timeval(usage.ru_stime);
        let end = if overflow || t1 || t2 {
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
            // The jail never started: a harness failure, not the program's verdict.
            return Err(format!("sandbox failed to start: {}", String::from_utf8_lossy(&stderr).trim()));
        }
        let report = report_read.map(|r| r.drain(4096)).unwrap_or_default();
        Ok((Ended { end, stdout, stderr, wall, cpu }, report))
    }
}

fn apply(l: &Limits, run_as: Option<(u32, u32)>) -> std::io::Result<()> {
    use crate::sandbox::set_rlimit;
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

/// Forks: the child goes on to exec bubblewrap, this process stays behind as its reaper.
///
/// Unprivileged bubblewrap exits as soon as it knows its command's status, without waiting for the
/// sandbox's init; that init then dies as an orphan and stays a zombie — still counted against the
/// uid's process limit — until the host's init reaps it, which can take long enough for later jails
/// of the same uid to fail with EAGAIN. As a subreaper this process inherits such orphans, reaps
/// every one, and exits with bubblewrap's status only when none is left.
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
            return crate::sandbox::die_with_parent(reaper);
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

/// Where bubblewrap's info pipe is in the jail (3 and 4 are the witness's).
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

/// A pipe whose write end bubblewrap inherits.
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

fn kill_group(pid: libc::pid_t) {
    // The jail leads its own process group; the sandboxed processes die with bubblewrap
    // (--die-with-parent) and with their pid namespace.
    // SAFETY: signalling the process group we created; ESRCH (already gone) is fine.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}

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
