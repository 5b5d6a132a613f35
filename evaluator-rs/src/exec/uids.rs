//! Unprivileged uids for the jails of one executor, never shared with another executor on the host.
//!
//! When sigil runs as root, each jail switches to an unprivileged uid so RLIMIT_NPROC bounds a
//! fork bomb. That limit counts every process of the uid host-wide: two sigil processes whose
//! jails used the same uids would starve each other's jails of processes (an honest run reported
//! every sample as an error). Each executor therefore holds an exclusive `flock` on one lock file
//! per uid it uses, in a directory every sigil process on the host agrees on; the kernel drops the
//! locks when the process ends, however it ends. A uid just taken may still have processes of an
//! earlier holder that died before their jails did: they are killed first.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// How many uids above the base are tried.
const RANGE: u32 = 4096;

/// Uids held for the lifetime of this value.
#[derive(Debug)]
pub struct Uids {
    pub uids: Vec<u32>,
    _locks: Vec<File>,
}

/// The directory of the lock files: fixed per host (never `$TMPDIR`, which differs between users
/// of the host), and root's own.
pub fn lock_dir() -> PathBuf {
    let base = if Path::new("/run/lock").is_dir() { "/run/lock" } else { "/tmp" };
    Path::new(base).join("sigil-exec-uids")
}

/// Takes `count` free uids from `base ..base + RANGE`.
pub fn acquire(base: u32, count: usize, dir: &Path) -> Result<Uids, String> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    let fail = |e: std::io::Error| format!("cannot use the uid lock directory {}: {e}", dir.display());
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(fail(e)),
    }
    let meta = std::fs::symlink_metadata(dir).map_err(fail)?;
    // SAFETY: geteuid cannot fail.
    if !meta.is_dir() || meta.uid() != unsafe { libc::geteuid() } {
        return Err(format!("the uid lock directory {} is not a directory of this user", dir.display()));
    }
    let mut uids = Vec::with_capacity(count);
    let mut locks = Vec::with_capacity(count);
    for uid in base..base.saturating_add(RANGE) {
        if uids.len() == count {
            break;
        }
        let path = dir.join(format!("{uid}.lock"));
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(fail)?;
        // SAFETY: flock on our own open file.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            continue;
        }
        kill_all_of(uid)?;
        uids.push(uid);
        locks.push(file);
    }
    if uids.len() < count {
        return Err(format!("no free jail uids: {} of {count} free in {base}..{} (lock files in {})", uids.len(), base + RANGE, dir.display()));
    }
    Ok(Uids { uids, _locks: locks })
}

/// Kills every process of `uid` (leftovers of an earlier holder): a child switches to that uid and
/// signals every process it may signal, which as that uid are exactly that uid's.
fn kill_all_of(uid: u32) -> Result<(), String> {
    if uid < 1000 {
        return Err(format!("jail uid {uid} is below 1000: a system account's processes would be killed"));
    }
    // SAFETY: the child runs only raw syscalls and _exit.
    unsafe {
        let pid = libc::fork();
        if pid < 0 {
            return Err(format!("fork: {}", std::io::Error::last_os_error()));
        }
        if pid == 0 {
            // Raw syscalls: only this thread's credentials change (the child has no other thread).
            if libc::syscall(libc::SYS_setgid, uid) != 0 || libc::syscall(libc::SYS_setuid, uid) != 0 {
                libc::_exit(1);
            }
            libc::kill(-1, libc::SIGKILL);
            libc::_exit(0);
        }
        let mut status = 0;
        while libc::waitpid(pid, &mut status, 0) < 0 && *libc::__errno_location() == libc::EINTR {}
        if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
            return Err(format!("cannot clear leftover processes of jail uid {uid}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_holders_never_share_a_uid() {
        // SAFETY: geteuid cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("not root: jails keep the caller's uid; skipped");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let a = acquire(63_000, 3, dir.path()).unwrap();
        let b = acquire(63_000, 3, dir.path()).unwrap();
        assert_eq!(a.uids, vec![63_000, 63_001, 63_002]);
        assert!(b.uids.iter().all(|u| !a.uids.contains(u)), "{:?} {:?}", a.uids, b.uids);
        drop(a);
        let c = acquire(63_000, 1, dir.path()).unwrap();
        assert_eq!(c.uids, vec![63_000], "released with its holder");
    }
}
