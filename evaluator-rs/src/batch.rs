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
//!   error occurs, so samples that were error-free in a batch with hard errors are checked again
//!   in a new batch without the failing ones. A failing sample's own diagnostics do not depend on
//!   the others, except when another sample's error is fatal (lexer errors, recursion limits):
//!   then the failing ones are checked again too.
//! - Samples that depend on being the crate root (`crate::` paths, crate attributes, exported
//!   macros, ...) are never batched (see `shape.rs`).
//! - A batch that times out, crashes or is cut off by the output cap is split in two.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crate::diagnostics::{self, Diagnostic, Verdict};
use crate::sandbox::{Limits, Outcome, Sandbox};
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
}

impl Compiler {
    fn base_args(&self, kind: CrateKind, out_dir: &Path) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec![
            "--sysroot".into(),
            self.toolchain.sysroot.clone().into(),
            "--edition".into(),
            self.edition.clone().into(),
            "--error-format=json".into(),
            "--emit=metadata".into(),
            "--crate-type".into(),
            kind.as_flag().into(),
            "--out-dir".into(),
            out_dir.into(),
        ];
        args.extend(self.lint_args.iter().map(OsString::from));
        args.extend(self.dep_args.iter().cloned());
        args
    }

    fn compile(&self, dir: &Path, root: &str, kind: CrateKind, extra: &[&str], timeout: Duration, cancel: &AtomicBool) -> Result<Outcome, String> {
        let mut args = self.base_args(kind, &self.sandbox.scratch_dir(dir));
        args.extend(extra.iter().map(OsString::from));
        args.push(root.into());
        let limits = Limits::with_wall(timeout);
        self.sandbox.run(&self.toolchain.clippy_driver, &args, dir, &limits, cancel)
    }

    /// The reference: one sample, alone, as `main.rs` of a bin or lib crate.
    pub fn check_single(&self, source: &str, kind: CrateKind, cancel: &AtomicBool) -> Result<Option<Final>, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        fs::write(dir.path().join("main.rs"), source).map_err(|e| format!("cannot write sample: {e}"))?;
        let outcome = self.compile(dir.path(), "main.rs", kind, &[], self.timeout, cancel)?;
        Ok(match outcome {
            Outcome::Cancelled => None,
            Outcome::TimedOut => Some(Final::TimedOut),
            Outcome::Exited { code, signal, stderr, truncated, .. } => {
                let (diags, other) = diagnostics::parse(&stderr);
                let kept: Vec<&Diagnostic> = diags.iter().filter(|d| !d.is_summary()).collect();
                let mut v = diagnostics::verdict(kept.iter().copied());
                let crashed = code != Some(0) && v.compiles;
                if truncated || crashed {
                    v.compiles = false;
                    v.first_error_kind = Some("other".into());
                    v.first_error = Some(if truncated {
                        "compiler output exceeded the capture limit".into()
                    } else {
                        crash_message(code, signal, &other)
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
        // A batch gets the timeout of one sample per member, up to four samples' worth: enough for
        // honest batches, and a hostile member costs at most that before the batch is split.
        let timeout = self.timeout.mul_f64((members.len() as f64).min(4.0));
        let outcome = self.compile(dir.path(), "root.rs", kind, &["--crate-name", "sigil_batch"], timeout, cancel)?;
        let mut out = TaskOutput::default();
        let (code, stderr, truncated) = match outcome {
            Outcome::Cancelled => {
                out.cancelled = true;
                return Ok(out);
            }
            Outcome::TimedOut => {
                out.follow_ups = split(kind, members);
                return Ok(out);
            }
            Outcome::Exited { code, stderr, truncated, .. } => (code, stderr, truncated),
        };
        if truncated {
            out.follow_ups = split(kind, members);
            return Ok(out);
        }
        let (diags, _) = diagnostics::parse(&stderr);
        let mut per_member: Vec<Vec<&Diagnostic>> = vec![Vec::new(); members.len()];
        let mut needs_single = vec![false; members.len()];
        // Only errors and warnings count; "failure-note" lines and the like carry no verdict.
        for d in diags.iter().filter(|d| !d.is_summary() && (d.is_error || d.is_warning)) {
            let Some((slot, in_primary)) = attribute(d, &by_file) else {
                // Something the batch itself caused, or that we cannot place: split.
                out.follow_ups = split(kind, members);
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
            // A crash without a diagnostic: split to find (and report alone) the culprit.
            out.follow_ups = split(kind, members);
            return Ok(out);
        }
        let hard_errors = diags.iter().any(|d| d.is_error && !d.is_summary() && !is_lint(d));
        let fatal = diags.iter().any(|d| d.is_error && FATAL_MARKERS.iter().any(|m| d.message.contains(m)));
        let redo = &mut out.redo;
        for (slot, &m) in members.iter().enumerate() {
            if needs_single[slot] {
                out.follow_ups.push(Task::Single { member: m });
                continue;
            }
            let mut v = diagnostics::verdict(per_member[slot].iter().copied());
            // Messages name types by path and files by path; in a batch both include the
            // member's module or directory.
            if let Some(msg) = v.first_error.as_mut() {
                for prefix in [format!("crate::__sigil_s{slot}::"), format!("__sigil_s{slot}::")] {
                    *msg = msg.replace(&prefix, "");
                }
                *msg = msg.replace(&format!("`s{slot}/"), "`");
            }
            let own_fatal = per_member[slot].iter().any(|d| d.is_error && FATAL_MARKERS.iter().any(|mk| d.message.contains(mk)));
            let settled = if v.compiles { !hard_errors } else { !fatal || own_fatal };
            if settled {
                out.finals.push((m, Final::Checked(v)));
            } else {
                redo.push(m);
            }
        }
        Ok(out)
    }
}

/// A lint raised to an error (`deny`), as opposed to a hard compile error: it comes from the
/// lint passes, so it means those passes ran.
fn is_lint(d: &Diagnostic) -> bool {
    d.code.as_deref().is_some_and(|c| !c.starts_with('E'))
}

/// The member slot a diagnostic belongs to, and whether its primary span is in that member's file.
fn attribute(d: &Diagnostic, by_file: &HashMap<String, usize>) -> Option<(usize, bool)> {
    let norm = |f: &str| f.trim_start_matches("./").to_string();
    d.files.iter().enumerate().find_map(|(i, f)| by_file.get(&norm(f)).map(|&slot| (slot, i == 0)))
}

fn split(kind: CrateKind, members: &[usize]) -> Vec<Task> {
    if members.len() <= 1 {
        return members.iter().map(|&m| Task::Single { member: m }).collect();
    }
    let (a, b) = members.split_at(members.len() / 2);
    vec![Task::Batch { kind, members: a.to_vec() }, Task::Batch { kind, members: b.to_vec() }]
}

fn crash_message(code: Option<i32>, signal: Option<i32>, other: &[String]) -> String {
    // The most telling line a crashing rustc prints: an allocation failure or a panic message.
    let telling = other
        .iter()
        .find(|l| l.contains("memory allocation") || l.contains("panicked") || l.starts_with("error"))
        .or_else(|| other.iter().rev().find(|l| !l.trim().is_empty()));
    let detail = telling.map(|l| format!(": {}", l.trim())).unwrap_or_default();
    match (signal, code) {
        (Some(sig), _) => format!("compiler killed by signal {sig} (resource limit?){detail}"),
        (None, Some(134)) => format!("compiler aborted (resource limit?){detail}"),
        _ => format!("compiler exited with status {code:?} without a diagnostic{detail}"),
    }
}
