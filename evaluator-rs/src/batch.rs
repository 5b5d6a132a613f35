//! Checking samples: alone (`clippy-driver` on one file, the reference) or many at once as
//! modules of one generated crate, with the bookkeeping that makes a batch say exactly what
//! checking each file alone would say.
//!
//! How a batch stays equivalent to single-file checks:
//! - Programs go in bin batches, libraries in lib batches, each sample a `pub mod` so that what is
//!   public at a crate root stays public (rustc does not report unused `pub` items at the root of
//!   a bin either). Each program's `main` is called from the batch's `main` through a shim
//!   appended to its file, which also insists that `main` returns a `Termination` type; any
//!   diagnostic inside the shim sends the sample to a single check.
//! - rustc skips its late lint passes (most clippy lints, dead code) for the whole crate when any
//!   hard (non-lint) error occurs, so every member without a hard error of its own in such a batch
//!   is checked again in a new batch without the failing ones: its lints, and its lint-level
//!   errors, may be missing. A member with its own hard error stops at the same point alone, so
//!   its diagnostics stand, except when another member's error is fatal (lexer errors, recursion
//!   limits): then it is checked again too.
//! - Samples whose diagnostics can depend on crate scope (crate attributes, lint levels raised by
//!   attributes, non-ASCII identifiers, `crate::` paths, ...) are never batched (see `shape.rs`
//!   and docs/evaluation.md, "Batching rule").
//! - A batch that times out, crashes or is cut off by the output cap is not halved: every member
//!   is checked alone, so one hanging sample costs one batch limit plus its own timeout.
//! - The compile verdict is rustc's: clippy's deny-level lints are counted, not failures, and a
//!   failure made only of errors that appear once optimized MIR is built (which some clippy lints
//!   request and `rustc --emit=metadata` never does) is settled by a lone `rustc` run.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diagnostics::{self, Diagnostic, Verdict};
use crate::sandbox::{End, Isolation, Ended, Job, Limits, Mount, Sandbox, SCRATCH_DIR};
use crate::shape::CrateKind;
use crate::toolchain::Toolchain;

/// Appended to each program in a bin batch. Everything inside is allowed so it adds no lints.
const SHIM: &str = "\n#[allow(warnings, clippy::all, clippy::pedantic, clippy::nursery, clippy::restriction)]\npub(crate) fn __sigil_entry() { crate::__sigil_term(main) }\n";

/// Messages of errors that stop rustc on the spot, hiding other samples' later errors.
const FATAL_MARKERS: &[&str] = &[
    "recursion limit reached",
    "unclosed delimiter",
    "mismatched closing delimiter",
    "unterminated",
    "overflow evaluating",
    "reached the type-length limit",
    "queries overflow",
    "unexpected closing delimiter",
];

/// Where the sample's directory is inside the compiler's sandbox.
const SRC_DIR: &str = "/src";

/// How one compiler run ended, as the verdict needs it.
#[derive(Debug)]
pub enum Outcome {
    /// `truncated`: stderr went over the capture limit and the run was ended there.
    Exited { code: Option<i32>, signal: Option<i32>, stderr: String, truncated: bool },
    TimedOut,
    Cancelled,
}

impl Outcome {
    fn of(ended: Ended) -> Outcome {
        let stderr = String::from_utf8_lossy(&ended.stderr).into_owned();
        match ended.end {
            End::Exited(code) => Outcome::Exited { code: Some(code), signal: None, stderr, truncated: false },
            End::Signaled(signal) => Outcome::Exited { code: None, signal: Some(signal), stderr, truncated: false },
            End::OutputLimit => Outcome::Exited { code: None, signal: Some(libc::SIGKILL), stderr, truncated: true },
            End::WallTimeout => Outcome::TimedOut,
            End::Cancelled => Outcome::Cancelled,
        }
    }
}

/// How a sample's check ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Final {
    Checked(Verdict),
    TimedOut,
}

/// A unit of work: one sample alone, or several of the same kind together.
#[derive(Debug, Clone)]
pub enum Task {
    Single { member: usize },
    Batch { kind: CrateKind, members: Vec<usize> },
}

/// What running a task produced: final results, follow-up tasks, and the compile time spent.
#[derive(Debug, Default)]
pub struct TaskOutput {
    pub finals: Vec<(usize, Final)>,
    pub follow_ups: Vec<Task>,
    pub elapsed: Duration,
    pub cancelled: bool,
    /// Members to check again in a fresh batch of the same kind; the pool may merge them with
    /// other batches' members.
    pub redo: Vec<usize>,
}

/// What "compiles" means: `cargo check` (`--emit=metadata`, the reference) or `cargo build`
/// (code generated, so post-monomorphisation errors and rustc's MIR lints on every function count;
/// nothing is linked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictMode {
    Check,
    Build,
}

impl VerdictMode {
    pub fn parse(s: &str) -> Result<VerdictMode, String> {
        match s {
            "check" => Ok(VerdictMode::Check),
            "build" => Ok(VerdictMode::Build),
            other => Err(format!("verdict: {other:?} is not one of \"check\", \"build\"")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            VerdictMode::Check => "check",
            VerdictMode::Build => "build",
        }
    }

    fn emit(self) -> &'static str {
        match self {
            VerdictMode::Check => "--emit=metadata",
            VerdictMode::Build => "--emit=obj",
        }
    }
}

/// Counters of compiler runs (for tests and the benchmark: how much work the rule costs).
#[derive(Debug, Default)]
pub struct Stats {
    pub batches: AtomicU64,
    pub singles: AtomicU64,
    pub rustc_verdicts: AtomicU64,
    pub timeouts: AtomicU64,
    pub redone: AtomicU64,
    /// Cache entries found bound to another key or source, and recomputed.
    pub cache_rejected: AtomicU64,
}

/// Everything needed to invoke the compiler the same way for every check.
#[derive(Debug, Clone)]
pub struct Compiler {
    pub toolchain: Toolchain,
    pub sandbox: Sandbox,
    pub edition: String,
    pub lint_args: Vec<String>,
    /// `-L`/`--extern` arguments of the configured dependency set.
    pub dep_args: Vec<OsString>,
    pub timeout: Duration,
    pub mode: VerdictMode,
    pub stats: Arc<Stats>,
    /// Measured compile milliseconds per batch member (f64 bits), to size batch time limits.
    pub member_ms: Arc<AtomicU64>,
}

impl Compiler {
    fn base_args(&self, kind: CrateKind, out_dir: &Path) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec![
            "--sysroot".into(),
            self.toolchain.sysroot.clone().into(),
            "--edition".into(),
            self.edition.clone().into(),
            "--error-format=json".into(),
            self.mode.emit().into(),
            "--crate-type".into(),
            kind.as_flag().into(),
            "--out-dir".into(),
            out_dir.into(),
        ];
        args.extend(self.lint_args.iter().map(OsString::from));
        args.extend(self.dep_args.iter().cloned());
        args
    }

    #[allow(clippy::too_many_arguments)]
    fn compile(&self, program: &Path, dir: &Path, root: &str, kind: CrateKind, extra: &[&str], timeout: Duration, cancel: &AtomicBool) -> Result<Outcome, String> {
        // The sample's directory is the read-only working directory; outputs go to the scratch
        // tmpfs (without isolation, to a directory beside the sources).
        let mut sandbox = self.sandbox.clone();
        sandbox.mounts.push(Mount::ReadOnly { host: dir.to_path_buf(), inside: SRC_DIR.into() });
        let out_dir = match self.sandbox.isolation {
            Isolation::Bwrap(_) => PathBuf::from(SCRATCH_DIR),
            Isolation::None => {
                let out = dir.join("out");
                fs::create_dir_all(&out).map_err(|e| format!("cannot create output dir: {e}"))?;
                out
            }
        };
        let mut args = self.base_args(kind, &out_dir);
        args.extend(extra.iter().map(OsString::from));
        args.push(root.into());
        let limits = Limits::with_wall(timeout);
        let job = Job { cwd: Path::new(SRC_DIR), cancel: Some(cancel), ..Job::new(program, &args, &limits) };
        let outcome = Outcome::of(sandbox.run(&job)?);
        if matches!(outcome, Outcome::TimedOut) {
            self.stats.timeouts.fetch_add(1, Ordering::Relaxed);
        }
        Ok(outcome)
    }

    /// rustc's own verdict on one sample alone (no clippy): compiles, error codes, first error.
    /// `None` when cancelled or timed out (the clippy pass's verdict then stands).
    fn rustc_verdict(&self, source: &str, kind: CrateKind, cancel: &AtomicBool) -> Result<Option<Verdict>, String> {
        self.stats.rustc_verdicts.fetch_add(1, Ordering::Relaxed);
        let dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        fs::write(dir.path().join("main.rs"), source).map_err(|e| format!("cannot write sample: {e}"))?;
        match self.compile(&self.toolchain.rustc, dir.path(), "main.rs", kind, &[], self.timeout, cancel)? {
            Outcome::Exited { stderr, truncated: false, .. } => {
                let (diags, _) = diagnostics::parse(&stderr);
                Ok(Some(diagnostics::verdict(diags.iter().filter(|d| !d.is_summary()))))
            }
            _ => Ok(None),
        }
    }

    /// Settles a verdict whose failure may be clippy's doing (see `diagnostics::mir_sensitive`)
    /// with rustc's: when rustc alone compiles the sample, it compiles; the lints come from the
    /// clippy pass either way.
    fn settle(&self, mut v: Verdict, diags: &[&Diagnostic], source: &str, kind: CrateKind, cancel: &AtomicBool) -> Result<Verdict, String> {
        if self.mode == VerdictMode::Check && diagnostics::mir_sensitive(diags.iter().copied()) {
            // rustc compiles it: the failure was clippy's doing. When rustc fails too, the clippy
            // pass's errors stand (the lone clippy-driver run is the reference for error codes).
            if let Some(r) = self.rustc_verdict(source, kind, cancel)? {
                if r.compiles {
                    v.compiles = true;
                    v.error_codes = r.error_codes;
                    v.first_error_kind = r.first_error_kind;
                    v.first_error = r.first_error;
                }
            }
        }
        Ok(v)
    }

    /// The reference: one sample, alone, as `main.rs` of a bin or lib crate.
    pub fn check_single(&self, source: &str, kind: CrateKind, cancel: &AtomicBool) -> Result<Option<Final>, String> {
        self.stats.singles.fetch_add(1, Ordering::Relaxed);
        let dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        fs::write(dir.path().join("main.rs"), source).map_err(|e| format!("cannot write sample: {e}"))?;
        let outcome = self.compile(&self.toolchain.clippy_driver, dir.path(), "main.rs", kind, &[], self.timeout, cancel)?;
        Ok(match outcome {
            Outcome::Cancelled => None,
            Outcome::TimedOut => Some(Final::TimedOut),
            Outcome::Exited { code, signal, stderr, truncated, .. } => {
                let (diags, other) = diagnostics::parse(&stderr);
                let kept: Vec<&Diagnostic> = diags.iter().filter(|d| !d.is_summary()).collect();
                let v = diagnostics::verdict(kept.iter().copied());
                let mut v = if truncated { v } else { self.settle(v, &kept, source, kind, cancel)? };
                // A clean (or clippy-lint-only) verdict with a failing exit status is a crash.
                let crashed = code != Some(0) && v.compiles && !kept.iter().any(|d| d.is_error);
                if truncated || crashed {
                    v.compiles = false;
                    v.first_error_kind = Some("other".into());
                    v.first_error = Some(if truncated {
                        "compiler output exceeded the capture limit".into()
                    } else {
                        diagnostics::cap_message(&crash_message(code, signal, &other))
                    });
                }
                Some(Final::Checked(v))
            }
        })
    }

    /// Runs one task over `sources` (indexed by member).
    pub fn run_task(&self, task: &Task, sources: &[String], kinds: &[CrateKind], cancel: &AtomicBool) -> Result<TaskOutput, String> {
        let start = Instant::now();
        let mut out = match task {
            Task::Single { member } => {
                let mut out = TaskOutput::default();
                match self.check_single(&sources[*member], kinds[*member], cancel)? {
                    Some(fin) => out.finals.push((*member, fin)),
                    None => out.cancelled = true,
                }
                out
            }
            Task::Batch { members, .. } if members.len() == 1 => {
                return self.run_task(&Task::Single { member: members[0] }, sources, kinds, cancel);
            }
            Task::Batch { kind, members } => self.check_batch(*kind, members, sources, cancel)?,
        };
        out.elapsed = start.elapsed();
        Ok(out)
    }

    fn check_batch(&self, kind: CrateKind, members: &[usize], sources: &[String], cancel: &AtomicBool) -> Result<TaskOutput, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        let mut root = String::new();
        let mut by_file: HashMap<String, usize> = HashMap::new();
        for (slot, &m) in members.iter().enumerate() {
            let rel = format!("s{slot}/main.rs");
            let sub = dir.path().join(format!("s{slot}"));
            fs::create_dir(&sub).map_err(|e| format!("cannot write batch: {e}"))?;
            let mut text = sources[m].clone();
            if kind == CrateKind::Bin {
                text.push_str(SHIM);
            }
            fs::write(sub.join("main.rs"), text).map_err(|e| format!("cannot write batch: {e}"))?;
            // `pub`: what is public at a crate root (of a lib or a bin) stays public in the batch.
            root.push_str(&format!("#[path = \"{rel}\"] pub mod __sigil_s{slot};\n"));
            by_file.insert(rel, slot);
        }
        if kind == CrateKind::Bin {
            root.push_str("fn __sigil_term<T: std::process::Termination>(_: fn() -> T) {}\nfn main() {\n");
            for slot in 0..members.len() {
                root.push_str(&format!("    __sigil_s{slot}::__sigil_entry();\n"));
            }
            root.push_str("}\n");
        }
        fs::write(dir.path().join("root.rs"), root).map_err(|e| format!("cannot write batch: {e}"))?;
        let timeout = self.batch_limit(members.len());
        self.stats.batches.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let outcome = self.compile(&self.toolchain.clippy_driver, dir.path(), "root.rs", kind, &["--crate-name", "sigil_batch"], timeout, cancel)?;
        let mut out = TaskOutput::default();
        let (code, stderr, truncated) = match outcome {
            Outcome::Cancelled => {
                out.cancelled = true;
                return Ok(out);
            }
            // A hang, a crash or a flood: check every member alone. Halving would make one bad
            // member cost a batch limit per level (log2 of the batch size); alone, it costs one
            // timeout and everyone else one short single check.
            Outcome::TimedOut => {
                out.follow_ups = singles(members);
                return Ok(out);
            }
            Outcome::Exited { code, stderr, truncated, .. } => (code, stderr, truncated),
        };
        if truncated {
            out.follow_ups = singles(members);
            return Ok(out);
        }
        self.record_cost(started.elapsed(), members.len());
        let (diags, _) = diagnostics::parse(&stderr);
        let mut per_member: Vec<Vec<&Diagnostic>> = vec![Vec::new(); members.len()];
        let mut needs_single = vec![false; members.len()];
        // Only errors and warnings count; "failure-note" lines and the like carry no verdict.
        for d in diags.iter().filter(|d| !d.is_summary() && (d.is_error || d.is_warning)) {
            let Some((slot, in_primary)) = attribute(d, &by_file) else {
                // Something the batch itself caused (a crate-level lint on the batch root), or
                // that cannot be placed by its spans: every member alone.
                out.follow_ups = singles(members);
                return Ok(out);
            };
            let original_len = sources[members[slot]].len();
            if in_primary && d.byte_start.is_some_and(|b| b >= original_len) {
                needs_single[slot] = true;
            }
            per_member[slot].push(d);
        }
        let any_error = diags.iter().any(|d| d.is_error && !d.is_summary());
        if code != Some(0) && !any_error {
            // A crash without a diagnostic: every member alone finds (and reports) the culprit.
            out.follow_ups = singles(members);
            return Ok(out);
        }
        let is_hard = |d: &&Diagnostic| d.is_error && !d.is_summary() && !d.is_lint();
        let hard_errors = diags.iter().any(|d| is_hard(&d));
        let fatal = diags.iter().any(|d| d.is_error && FATAL_MARKERS.iter().any(|m| d.message.contains(m)));
        let members_with_errors = per_member.iter().filter(|own| own.iter().any(|d| d.is_error)).count();
        for (slot, &m) in members.iter().enumerate() {
            if needs_single[slot] {
                out.follow_ups.push(Task::Single { member: m });
                continue;
            }
            let own = &per_member[slot];
            let own_hard = own.iter().any(is_hard);
            let own_fatal = own.iter().any(|d| d.is_error && FATAL_MARKERS.iter().any(|mk| d.message.contains(mk)));
            // A member without a hard error of its own, in a batch where rustc met one, lost its
            // late lint passes (lints, lint-level errors): check it again with other such members.
            // A member with its own hard error stops at the same point alone, but which of its
            // errors rustc reports depends on the errors already emitted in the session (follow-on
            // errors such as E0282/E0277/E0223 are suppressed once others exist, unresolved macros
            // are reported in crate-wide expansion order): its result stands only when no other
            // member had an error; otherwise it is checked alone.
            if own_hard && members_with_errors > 1 {
                out.follow_ups.push(Task::Single { member: m });
                continue;
            }
            let settled = if fatal { own_fatal } else { own_hard || !hard_errors };
            if !settled {
                out.redo.push(m);
                continue;
            }
            let mut v = diagnostics::verdict(own.iter().copied());
            // Messages name types by path and files by path; in a batch both include the
            // member's module or directory.
            if let Some(msg) = v.first_error.as_mut() {
                for prefix in [format!("crate::__sigil_s{slot}::"), format!("__sigil_s{slot}::")] {
                    *msg = msg.replace(&prefix, "");
                }
                *msg = msg.replace(&format!("`s{slot}/"), "`");
            }
            let v = self.settle(v, own, &sources[m], kind, cancel)?;
            out.finals.push((m, Final::Checked(v)));
        }
        self.stats.redone.fetch_add(out.redo.len() as u64, Ordering::Relaxed);
        Ok(out)
    }

    /// The wall-clock limit of a batch: four times what its members are measured to cost, plus
    /// a margin, never more than one sample's timeout. An honest batch under load that overruns
    /// it is only checked member by member (slower, never wrong).
    fn batch_limit(&self, members: usize) -> Duration {
        let per_member = f64::from_bits(self.member_ms.load(Ordering::Relaxed));
        let per_member = if per_member > 0.0 { per_member } else { 500.0 };
        let ms = 5_000.0 + 4.0 * per_member * members as f64;
        self.timeout.min(Duration::from_secs_f64(ms / 1000.0))
    }

    fn record_cost(&self, elapsed: Duration, members: usize) {
        let sample = elapsed.as_secs_f64() * 1000.0 / members.max(1) as f64;
        let old = f64::from_bits(self.member_ms.load(Ordering::Relaxed));
        let new = if old > 0.0 { 0.8 * old + 0.2 * sample } else { sample };
        self.member_ms.store(new.to_bits(), Ordering::Relaxed);
    }
}

/// The member slot a diagnostic belongs to, and whether its primary span is in that member's file.
fn attribute(d: &Diagnostic, by_file: &HashMap<String, usize>) -> Option<(usize, bool)> {
    let norm = |f: &str| f.trim_start_matches("./").to_string();
    d.files.iter().enumerate().find_map(|(i, f)| by_file.get(&norm(f)).map(|&slot| (slot, i == 0)))
}

fn singles(members: &[usize]) -> Vec<Task> {
    members.iter().map(|&m| Task::Single { member: m }).collect()
}

fn crash_message(code: Option<i32>, signal: Option<i32>, other: &[String]) -> String {
    // The most telling line a crashing rustc prints: an allocation failure or a panic message.
    let telling = other
        .iter()
        .find(|l| l.contains("memory allocation") || l.contains("panicked") || l.starts_with("error"))
        .or_else(|| other.iter().rev().find(|l| !l.trim().is_empty()));
    let detail = telling.map(|l| format!(": {}", l.trim())).unwrap_or_default();
    match (signal, code) {
        // SIGABRT, or status 134 where a wrapper reports it as 128 + 6.
        (Some(libc::SIGABRT), _) | (None, Some(134)) => format!("compiler aborted (resource limit?){detail}"),
        (Some(sig), _) => format!("compiler killed by signal {sig} (resource limit?){detail}"),
        _ => format!("compiler exited with status {code:?} without a diagnostic{detail}"),
    }
}
