//! Functional correctness: build programs and run their tests inside the sandbox.
//!
//! A run goes: plan builds (batch the programs that can share a binary) → build in parallel, each
//! build in its own jail → run every program in its own jail, in parallel → one verdict per
//! program. Nothing one program does (crash, hang, fork, flood) can reach another's verdict: builds
//! that fail are split until each failure is its own, and no two programs share a run.
//!
//! Plain Rust, no PyO3: `py_exec.rs` converts types for Python.

pub mod batch;
pub mod build;
pub mod program;
pub mod uids;
pub mod verdict;
pub mod witness;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;

pub use crate::sandbox::Isolation;
pub use program::{IoCase, Kind, Program, ProgramResult, Status};

use build::{BuildSettings, Built};
use crate::sandbox::{End, Job, Limits, Mount, Sandbox};

/// Settings of one execution run.
#[derive(Debug, Clone)]
pub struct ExecConfig {
    /// Build with `-O` (default: debug, like MultiPL-E).
    pub optimize: bool,
    pub edition: String,
    /// Parallel builds and runs.
    pub jobs: usize,
    /// Programs per shared binary; 1 turns batching off.
    pub batch_size: usize,
    pub compile_timeout: Duration,
    pub compile_memory_bytes: u64,
    /// Wall-clock limit of one run (one stdin case for `io` programs).
    pub run_timeout: Duration,
    pub run_cpu_seconds: u64,
    pub run_memory_bytes: u64,
    /// Bytes of stdout (and of stderr) a run may write.
    pub output_bytes: usize,
    /// Processes and threads one run may have.
    pub max_processes: u64,
    /// Run without any isolation (trusted programs only).
    pub no_sandbox: bool,
    /// When running as root, jails run as unprivileged uids so process limits apply: `jobs` uids
    /// from `base_uid` up that no other executor on the host holds (`uids.rs`).
    pub base_uid: u32,
}

impl Default for ExecConfig {
    fn default() -> Self {
        ExecConfig {
            optimize: false,
            edition: "2021".into(),
            jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            batch_size: 16,
            compile_timeout: Duration::from_secs(60),
            compile_memory_bytes: 4 << 30,
            run_timeout: Duration::from_secs(10),
            run_cpu_seconds: 5,
            run_memory_bytes: 512 << 20,
            output_bytes: 1 << 20,
            max_processes: 64,
            no_sandbox: false,
            base_uid: 61_000,
        }
    }
}

/// Builds and runs programs.
pub struct Executor {
    config: ExecConfig,
    isolation: Isolation,
    build: BuildSettings,
    run_limits: Limits,
    pool: rayon::ThreadPool,
    /// Holds the test witness's object for the executor's lifetime.
    _witness_dir: tempfile::TempDir,
    /// The jails' uids, one per worker thread, when running as root.
    uids: Option<uids::Uids>,
}

impl Executor {
    /// Checks the toolchain and the sandbox; the error names what is missing.
    pub fn new(config: ExecConfig) -> Result<Executor, String> {
        let isolation = if config.no_sandbox {
            Isolation::None
        } else {
            Sandbox::bwrap(build_mounts(), Path::new("/usr/bin/true"), &[], "pass --no-sandbox for trusted programs")?.isolation
        };
        let sysroot = find_sysroot()?;
        let rustc = sysroot.join("bin").join("rustc");
        if !rustc.is_file() {
            return Err(format!("rustc not found at {}", rustc.display()));
        }
        let witness_dir = tempfile::Builder::new().prefix("sigil-witness-").tempdir().map_err(|e| format!("cannot create a work directory: {e}"))?;
        let witness = witness::build_wrapper(&rustc, witness_dir.path())?;
        let build = BuildSettings {
            rustc,
            sysroot,
            edition: config.edition.clone(),
            optimize: config.optimize,
            linker: None,
            witness: Some(witness),
            limits: Limits {
                wall: config.compile_timeout,
                cpu_seconds: config.compile_timeout.as_secs().max(1) + 1,
                address_space_bytes: config.compile_memory_bytes,
                max_processes: 4096,
                max_file_bytes: 1 << 30,
                max_open_files: 1024,
                tmpfs_bytes: 256 << 20,
                output_cap: 16 << 20,
            },
        };
        let run_limits = Limits {
            wall: config.run_timeout,
            cpu_seconds: config.run_cpu_seconds.max(1),
            address_space_bytes: config.run_memory_bytes,
            max_processes: config.max_processes + if is_root() { 0 } else { own_task_count() },
            max_file_bytes: 16 << 20,
            max_open_files: 64,
            tmpfs_bytes: 64 << 20,
            output_cap: config.output_bytes,
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.jobs.max(1))
            .thread_name(|i| format!("sigil-exec-{i}"))
            .build()
            .map_err(|e| format!("cannot start worker threads: {e}"))?;
        let uids = if is_root() { Some(uids::acquire(config.base_uid, config.jobs.max(1), &uids::lock_dir())?) } else { None };
        Ok(Executor { config, isolation, build, run_limits, pool, _witness_dir: witness_dir, uids })
    }

    /// `bwrap` or `none`: what the metrics record.
    pub fn isolation_name(&self) -> &'static str {
        self.isolation.name()
    }

    /// One verdict per program, in order.
    pub fn run(&self, programs: &[Program]) -> Result<Vec<ProgramResult>, String> {
        let work = tempfile::Builder::new().prefix("sigil-exec-").tempdir().map_err(|e| format!("cannot create a work directory: {e}"))?;
        open_up(work.path())?;
        // Refused programs are never built: they could take over the witness (witness.rs).
        let refused: Vec<Option<String>> = programs.iter().map(|p| if p.kind == Kind::Io { None } else { witness::refusal(&p.source) }).collect();
        let groups = plan(programs, self.config.batch_size.max(1), &refused);
        let counter = std::sync::atomic::AtomicUsize::new(0);
        let binaries: Vec<Vec<(usize, Binary)>> = self.pool.install(|| {
            groups.par_iter().map(|group| self.build_group(programs, group, work.path(), &counter)).collect()
        });
        let mut by_program: Vec<Option<Binary>> =
            refused.into_iter().map(|r| r.map(|message| Binary::Failed(BuildFailure { status: Status::Failed, message, time: Duration::ZERO }))).collect();
        for (index, binary) in binaries.into_iter().flatten() {
            by_program[index] = Some(binary);
        }
        let results = self.pool.install(|| {
            by_program
                .into_par_iter()
                .enumerate()
                .map(|(i, binary)| self.run_one(&programs[i], binary.expect("every program has a build outcome")))
                .collect()
        });
        Ok(results)
    }

    fn compile_jail(&self) -> Sandbox {
        Sandbox { isolation: self.isolation.clone(), mounts: build_mounts(), run_as: None }
    }

    /// Builds a group (one program, or a batch that is split on failure) → each member's binary.
    fn build_group(&self, programs: &[Program], members: &[usize], work: &Path, counter: &std::sync::atomic::AtomicUsize) -> Vec<(usize, Binary)> {
        let id = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = work.join(format!("b{id:05}"));
        let outcome = (|| -> Result<Built, String> {
            std::fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            open_up(&dir)?;
            let kind = programs[members[0]].kind;
            if members.len() == 1 {
                write(&dir.join("main.rs"), &programs[members[0]].source)?;
            } else {
                for (pos, &i) in members.iter().enumerate() {
                    write(&dir.join(batch::member_file(pos)), &batch::member_source(&programs[i]))?;
                }
                write(&dir.join("main.rs"), &batch::root_source(kind, members.len()))?;
            }
            build::build(&self.compile_jail(), &self.build, &dir, kind == Kind::Unit)
        })();
        let single = members.len() == 1;
        let share = |t: Duration| t / members.len() as u32;
        match outcome {
            Ok(Built::Ok { time }) => members
                .iter()
                .enumerate()
                .map(|(pos, &i)| (i, Binary::Ready { path: dir.join("prog"), member: (!single).then_some(pos), build_time: share(time) }))
                .collect(),
            Ok(built) if single => vec![(members[0], Binary::Failed(failed_build(built)))],
            Err(e) if single => vec![(members[0], Binary::Failed(BuildFailure { status: Status::Error, message: e, time: Duration::ZERO }))],
            Ok(Built::Errors { files, unattributed: false, .. }) if !files.is_empty() && files.iter().all(|f| f.starts_with('s')) => {
                // Errors pinned on members: those are built alone (their own verdict and message),
                // the rest is tried again as a batch.
                // (position in the batch, program index)
                type Members = Vec<(usize, usize)>;
                let (culprits, rest): (Members, Members) =
                    members.iter().copied().enumerate().partition(|(pos, _)| files.contains(&batch::member_file(*pos)));
                let mut groups: Vec<Vec<usize>> = culprits.iter().map(|&(_, i)| vec![i]).collect();
                if !rest.is_empty() {
                    groups.push(rest.iter().map(|&(_, i)| i).collect());
                }
                groups.par_iter().flat_map(|g| self.build_group(programs, g, work, counter)).collect()
            }
            // Timeout, crash, link error: nothing to pin it on, so every member is built alone.
            _ => members.par_iter().flat_map(|&i| self.build_group(programs, &[i], work, counter)).collect(),
        }
    }

    fn run_one(&self, program: &Program, binary: Binary) -> ProgramResult {
        let (path, member, build_time) = match binary {
            Binary::Ready { path, member, build_time } => (path, member, build_time),
            Binary::Failed(f) => {
                let total = if program.kind == Kind::Io { program.cases.len() as u32 } else { 1 };
                return ProgramResult { status: f.status, tests_passed: 0, tests_total: total, message: f.message, build_time: f.time, run_time: Duration::ZERO, batched: false };
            }
        };
        let slot = rayon::current_thread_index().unwrap_or(0);
        let run_as = self.uids.as_ref().map(|held| (held.uids[slot], held.uids[slot]));
        let (program_path, mounts) = match self.isolation {
            Isolation::Bwrap(_) => (PathBuf::from("/prog"), vec![Mount::ReadOnly { host: path.clone(), inside: "/prog".into() }]),
            Isolation::None => (path.clone(), Vec::new()),
        };
        let jail = Sandbox { isolation: self.isolation.clone(), mounts, run_as };
        let select = member.map(|m| m.to_string());
        let mut env = vec![("PATH", "/usr/bin")];
        if let (Some(m), Kind::Main | Kind::Io) = (&select, program.kind) {
            env.push((batch::SELECT_VAR, m.as_str()));
        }
        let run = Run { jail: &jail, path: &program_path, env, kind: program.kind };
        let outcome = match program.kind {
            Kind::Main => {
                let v = self.witnessed(&run, &[], &self.run_limits);
                Outcome { status: v.status, passed: v.passed, total: 1, message: v.message, time: v.time }
            }
            Kind::Unit => self.run_tests(&run, member),
            Kind::Io => self.run_cases(&run, &program.cases),
        };
        ProgramResult {
            status: outcome.status,
            tests_passed: outcome.passed,
            tests_total: outcome.total,
            message: outcome.message,
            build_time,
            run_time: outcome.time,
            batched: member.is_some(),
        }
    }

    /// One run of a witnessed binary: passed only if `main` returned 0 and said so with this run's nonce.
    fn witnessed(&self, run: &Run<'_>, args: &[OsString], limits: &Limits) -> Timed {
        let nonce = match witness::nonce() {
            Ok(n) => n,
            Err(e) => return Timed::error(e),
        };
        match run.jail.run_witnessed(&Job { env: &run.env, ..Job::new(run.path, args, limits) }, &nonce) {
            Ok((ended, report)) => Timed::of(verdict::judge(run.kind, &ended, limits.cpu_seconds, None, Some(report == nonce)), ended.wall),
            Err(e) => Timed::error(e),
        }
    }

    /// `io` programs: each stdin case is its own run; its stdout (and exit status 0) is the evidence.
    fn run_cases(&self, run: &Run<'_>, cases: &[IoCase]) -> Outcome {
        let mut outcome = Outcome::new(cases.len() as u32);
        for case in cases {
            let v = match run.jail.run(&Job { env: &run.env, stdin: &case.input, ..Job::new(run.path, &[], &self.run_limits) }) {
                Ok(ended) => Timed::of(verdict::judge(run.kind, &ended, self.run_limits.cpu_seconds, Some(&case.output), None), ended.wall),
                Err(e) => Timed::error(e),
            };
            outcome.add(v);
        }
        outcome
    }

    /// `#[test]` programs. The tests are listed first (no test code runs for that), then run
    /// together in one witnessed process: its witness proves every listed test passed. Otherwise
    /// each test runs alone, witnessed, so each counts on its own evidence and a test that ends
    /// the process early (`exit(0)`) hides no other test's verdict. The one-by-one runs stop once
    /// they have used one run time limit in all; the tests left count as not passed.
    fn run_tests(&self, run: &Run<'_>, member: Option<usize>) -> Outcome {
        let filter: Vec<OsString> = member.map(|m| format!("{}::", batch::member_module(m)).into()).into_iter().collect();
        let list_args: Vec<OsString> = ["--list", "--format", "terse"].iter().map(OsString::from).chain(filter.iter().cloned()).collect();
        // PATH only: listing never selects a batch member.
        let names = match run.jail.run(&Job { env: &run.env[..1], ..Job::new(run.path, &list_args, &self.run_limits) }) {
            Ok(ended) if ended.end == End::Exited(0) => verdict::listed_tests(&String::from_utf8_lossy(&ended.stdout)),
            Ok(ended) => {
                let v = verdict::judge(Kind::Main, &ended, self.run_limits.cpu_seconds, None, Some(false));
                return Outcome { status: v.status, passed: 0, total: 1, message: format!("listing the tests failed: {}", v.message), time: ended.wall };
            }
            Err(e) => return Outcome { status: Status::Error, passed: 0, total: 1, message: e, time: Duration::ZERO },
        };
        if names.is_empty() {
            return Outcome { status: Status::Failed, passed: 0, total: 0, message: "no tests ran".into(), time: Duration::ZERO };
        }
        let together: Vec<OsString> = ["--test-threads=1", "--include-ignored"].iter().map(OsString::from).chain(filter).collect();
        let all = self.witnessed(run, &together, &self.run_limits);
        let total = names.len() as u32;
        if all.status == Status::Passed || all.status == Status::Error {
            let passed = if all.status == Status::Passed { total } else { 0 };
            return Outcome { status: all.status, passed, total, message: all.message, time: all.time };
        }
        let mut alone = Outcome::new(total);
        alone.time = all.time;
        let mut spent = Duration::ZERO;
        for (i, name) in names.iter().enumerate() {
            if spent >= self.run_limits.wall {
                alone.note_unrun(names.len() - i);
                break;
            }
            let args: Vec<OsString> = vec!["--exact".into(), name.into(), "--test-threads=1".into(), "--include-ignored".into()];
            let v = self.witnessed(run, &args, &self.run_limits);
            spent += v.time;
            alone.add(v);
        }
        let mut outcome = alone;
        if outcome.status == Status::Passed {
            // Each test passes alone but not together: the together run's verdict stands.
            outcome.status = all.status;
            outcome.message = format!("tests pass one by one but not together: {}", all.message);
        }
        outcome
    }
}

/// What is being run: the jail, the binary as seen inside, its environment and test kind.
struct Run<'a> {
    jail: &'a Sandbox,
    path: &'a Path,
    /// PATH first, then the batch member's selector if any.
    env: Vec<(&'a str, &'a str)>,
    kind: Kind,
}

/// One run's verdict and its wall time.
struct Timed {
    status: Status,
    passed: u32,
    message: String,
    time: Duration,
}

impl Timed {
    fn of(v: verdict::RunVerdict, time: Duration) -> Timed {
        Timed { status: v.status, passed: v.passed, message: v.message, time }
    }

    fn error(message: String) -> Timed {
        Timed { status: Status::Error, passed: 0, message, time: Duration::ZERO }
    }
}

/// A program's verdict over several runs: passed when every run passed; otherwise the first
/// failure's status and message.
struct Outcome {
    status: Status,
    passed: u32,
    total: u32,
    message: String,
    time: Duration,
}

impl Outcome {
    fn new(total: u32) -> Outcome {
        Outcome { status: Status::Passed, passed: 0, total, message: String::new(), time: Duration::ZERO }
    }

    fn add(&mut self, v: Timed) {
        self.time += v.time;
        self.passed += v.passed;
        if v.status != Status::Passed && self.status == Status::Passed {
            self.status = v.status;
            self.message = v.message;
        }
    }

    fn note_unrun(&mut self, left: usize) {
        if self.status == Status::Passed {
            self.status = Status::Failed;
        }
        self.message = format!("{} ({left} tests not run one by one: the time limit was spent)", self.message);
    }
}

#[derive(Debug, Clone)]
enum Binary {
    Ready { path: PathBuf, member: Option<usize>, build_time: Duration },
    Failed(BuildFailure),
}

#[derive(Debug, Clone)]
struct BuildFailure {
    status: Status,
    message: String,
    time: Duration,
}

fn failed_build(built: Built) -> BuildFailure {
    match built {
        Built::Ok { .. } => unreachable!("a successful build is not a failure"),
        Built::Errors { first, time, .. } => BuildFailure { status: Status::CompileError, message: first, time },
        Built::TimedOut { time } => BuildFailure { status: Status::Timeout, message: "compile time limit".into(), time },
        Built::Crashed { message, time } if message.contains("memory allocation of") => {
            BuildFailure { status: Status::MemoryLimit, message: format!("compiler out of memory: {message}"), time }
        }
        Built::Crashed { message, time } => BuildFailure { status: Status::CompileError, message: format!("compiler crashed: {message}"), time },
    }
}

/// Groups of program indices built together: batchable programs of one build flavour in chunks of
/// `size`, every other program alone.
fn plan(programs: &[Program], size: usize, refused: &[Option<String>]) -> Vec<Vec<usize>> {
    let mut groups = Vec::new();
    let mut pending: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for (i, p) in programs.iter().enumerate() {
        if refused[i].is_some() {
            continue;
        }
        if size > 1 && batch::batchable(&p.source) {
            let flavour = usize::from(p.kind == Kind::Unit);
            pending[flavour].push(i);
            if pending[flavour].len() == size {
                groups.push(std::mem::take(&mut pending[flavour]));
            }
        } else {
            groups.push(vec![i]);
        }
    }
    groups.extend(pending.into_iter().filter(|g| !g.is_empty()));
    groups
}

/// What a build sees of the host, read-only: the compiler's and linker's system directories (never
/// /home, /root, /tmp, and of /etc only the alternatives symlinks, through which Debian's `cc`
/// resolves to gcc). Runs see none of it: the binaries are static.
fn build_mounts() -> Vec<Mount> {
    crate::sandbox::system_dirs(&["/usr/bin", "/usr/lib", "/usr/lib64", "/usr/libexec", "/etc/alternatives"])
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The jails of unprivileged uids must reach the binaries: work directories are world-readable
/// (never writable); the binaries hold nothing secret.
fn open_up(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).map_err(|e| format!("cannot set permissions of {}: {e}", dir.display()))
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Tasks (processes and threads) this uid already has: RLIMIT_NPROC counts them too.
fn own_task_count() -> u64 {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: getuid cannot fail.
    let uid = unsafe { libc::getuid() };
    let Ok(entries) = std::fs::read_dir("/proc") else { return 4096 };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit()))
        .filter(|e| e.metadata().is_ok_and(|m| m.uid() == uid))
        .map(|e| std::fs::read_dir(e.path().join("task")).map_or(1, |t| t.count() as u64))
        .sum()
}

fn find_sysroot() -> Result<PathBuf, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = std::process::Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("cannot find the Rust toolchain: `rustc --print sysroot` failed: {e}"))?;
    if !out.status.success() {
        return Err(format!("`rustc --print sysroot` failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    path.canonicalize().map_err(|e| format!("toolchain sysroot {} is not readable: {e}", path.display()))
}
