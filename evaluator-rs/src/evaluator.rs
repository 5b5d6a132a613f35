//! The evaluator: rejects what cannot be compiled, answers from the cache, groups the rest into
//! batches and single checks, runs them on a bounded pool of worker threads, and fills the cache.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use crate::batch::{Compiler, Final, Stats, Task, TaskOutput, VerdictMode};
use crate::cache::{self, Cache};
use crate::deps::{self, DepSet};
use crate::diagnostics::Verdict;
use crate::result::{SampleResult, Status};
use crate::sandbox::{self, Mount, Sandbox};
use crate::shape::{shape, CrateKind, Shape};
use crate::toolchain::Toolchain;

/// Bumped when the meaning of cached results changes.
/// v2: clippy deny-level lints are `clippy_errors`, not compile failures; the batching rule of
/// docs/evaluation.md; entries bound to their key and source.
const RESULT_FORMAT: &str = "sigil-evaluator-result-v2";

/// How each sample is compiled: `Auto` picks `bin` when it has a top-level `fn main`, else `lib`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrateType {
    Auto,
    Bin,
    Lib,
}

impl CrateType {
    pub fn parse(s: &str) -> Result<CrateType, String> {
        match s {
            "auto" => Ok(CrateType::Auto),
            "bin" => Ok(CrateType::Bin),
            "lib" => Ok(CrateType::Lib),
            other => Err(format!("crate_type: {other:?} is not one of \"auto\", \"bin\", \"lib\"")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CrateType::Auto => "auto",
            CrateType::Bin => "bin",
            CrateType::Lib => "lib",
        }
    }

    /// The crate kind a sample of this shape is compiled as.
    pub fn kind_of(self, shape: &Shape) -> CrateKind {
        match self {
            CrateType::Auto => shape.kind,
            CrateType::Bin => CrateKind::Bin,
            CrateType::Lib => CrateKind::Lib,
        }
    }
}

/// Evaluator settings (see the Python `Evaluator` for the meaning of each).
#[derive(Debug, Clone)]
pub struct Config {
    pub edition: String,
    /// `None`: clippy's default lint groups. Otherwise `-W clippy::x`-style arguments or group names.
    pub lints: Option<Vec<String>>,
    pub pedantic: bool,
    /// `true`: bubblewrap; `false`: no isolation (explicit opt-out only).
    pub sandbox: bool,
    pub jobs: Option<usize>,
    pub batch_size: usize,
    pub compile_timeout: Duration,
    pub cache_dir: Option<PathBuf>,
    /// Cargo dependency lines; `None` or empty: std only.
    pub deps: Option<Vec<String>>,
    /// Samples larger than this are rejected as `too large`.
    pub max_source_bytes: usize,
    /// What "compiles" means: `cargo check` or `cargo build`.
    pub verdict: VerdictMode,
    pub crate_type: CrateType,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            edition: "2021".into(),
            lints: None,
            pedantic: false,
            sandbox: true,
            jobs: None,
            batch_size: 32,
            compile_timeout: Duration::from_secs(60),
            cache_dir: None,
            deps: None,
            max_source_bytes: 512 * 1024,
            verdict: VerdictMode::Check,
            crate_type: CrateType::Auto,
        }
    }
}

/// Why an evaluator could not be set up.
#[derive(Debug, Clone, PartialEq)]
pub enum SetupError {
    /// A setting is invalid (names the setting).
    Config(String),
    /// The machine lacks something: toolchain, clippy, bubblewrap, a buildable dependency set.
    Environment(String),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::Config(m) | SetupError::Environment(m) => f.write_str(m),
        }
    }
}

/// The check was interrupted (Ctrl-C); nothing partial is returned.
#[derive(Debug)]
pub struct Cancelled;

pub struct Evaluator {
    pub config: Config,
    pub toolchain: Toolchain,
    compiler: Compiler,
    cache: Option<Cache>,
    context: String,
    jobs: usize,
    pub deps: Option<DepSet>,
    trace: bool,
}

/// Upper bound on worker threads, whatever is asked.
const MAX_JOBS: usize = 256;

/// Turns the `lints` setting into compiler arguments, refusing anything that is not a lint flag.
pub fn lint_args(lints: Option<&[String]>, pedantic: bool) -> Result<Vec<String>, String> {
    let mut args = Vec::new();
    for item in lints.unwrap_or(&[]) {
        let item = item.trim();
        let (flag, name) = match item.split_once([' ', '=']) {
            Some((f, n)) if f.starts_with('-') => (f.trim_start_matches('-').to_string(), n.trim().to_string()),
            _ if item.starts_with('-') && item.len() > 2 => (item[1..2].to_string(), item[2..].to_string()),
            _ => ("W".to_string(), item.to_string()),
        };
        let flag = match flag.as_str() {
            "W" | "warn" => "-W",
            "A" | "allow" => "-A",
            "D" | "deny" => "-D",
            "F" | "forbid" => "-F",
            _ => return Err(format!("lints: {item:?}: expected -W/-A/-D/-F followed by a lint or group name")),
        };
        let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '-');
        if !valid {
            return Err(format!("lints: {item:?}: {name:?} is not a lint or group name"));
        }
        args.push(format!("{flag}{name}"));
    }
    if pedantic {
        args.push("-Wclippy::pedantic".into());
    }
    Ok(args)
}

impl Evaluator {
    pub fn new(config: Config) -> Result<Evaluator, SetupError> {
        use SetupError::{Config as Bad, Environment as Missing};
        if !matches!(config.edition.as_str(), "2015" | "2018" | "2021" | "2024") {
            return Err(Bad(format!("edition: {:?} is not a Rust edition (2015, 2018, 2021, 2024)", config.edition)));
        }
        if config.batch_size == 0 {
            return Err(Bad("batch_size: must be at least 1".into()));
        }
        if config.compile_timeout.is_zero() {
            return Err(Bad("compile_timeout: must be positive".into()));
        }
        let lint_args = lint_args(config.lints.as_deref(), config.pedantic).map_err(Bad)?;
        if let Some(specs) = config.deps.as_deref() {
            deps::validate(specs).map_err(Bad)?;
        }
        let toolchain = Toolchain::discover().map_err(Missing)?;
        let cache = config.cache_dir.as_deref().map(Cache::open).transpose().map_err(Missing)?;
        let deps = match config.deps.as_deref() {
            Some(specs) if !specs.is_empty() => {
                let root = config.cache_dir.clone().unwrap_or_else(|| std::env::temp_dir().join("sigil-evaluator"));
                Some(deps::build(specs, &toolchain, &root).map_err(Missing)?)
            }
            _ => None,
        };
        let sandbox = if config.sandbox {
            // The system libraries, the toolchain and the dependency set, read-only; no /usr/bin:
            // checking (metadata or objects, never linking) runs no other program.
            let mut mounts = sandbox::system_dirs(&["/usr/lib", "/usr/lib64", "/usr/lib32"]);
            for dir in std::iter::once(&toolchain.sysroot).chain(deps.as_ref().map(|d| &d.dir)) {
                mounts.push(Mount::ReadOnly { host: dir.clone(), inside: dir.clone() });
            }
            let without = "run without isolation explicitly (sandbox=\"none\" / --no-sandbox) only if you trust the samples";
            Sandbox::bwrap(mounts, &toolchain.clippy_driver, &["--version".into()], without).map_err(Missing)?
        } else {
            Sandbox::none()
        };
        let context = cache::context_digest(&[
            RESULT_FORMAT,
            &toolchain.version_line(),
            &config.edition,
            &lint_args.join(" "),
            deps.as_ref().map_or("std", |d| d.lock_hash.as_str()),
            sandbox.isolation.name(),
            config.verdict.name(),
            config.crate_type.name(),
        ]);
        let jobs = config
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .clamp(1, MAX_JOBS);
        let compiler = Compiler {
            toolchain: toolchain.clone(),
            sandbox,
            edition: config.edition.clone(),
            lint_args,
            dep_args: deps.as_ref().map(DepSet::args).unwrap_or_default(),
            timeout: config.compile_timeout,
            mode: config.verdict,
            stats: Arc::new(Stats::default()),
            member_ms: Arc::new(AtomicU64::new(0)),
        };
        let trace = std::env::var_os("SIGIL_EVALUATOR_TRACE").is_some_and(|v| !v.is_empty() && v != "0");
        Ok(Evaluator { config, toolchain, compiler, cache, context, jobs, deps, trace })
    }

    pub fn isolation(&self) -> &'static str {
        self.compiler.sandbox.isolation.name()
    }

    pub fn jobs(&self) -> usize {
        self.jobs
    }

    /// The compiler invocation every check uses (for single-file reference checks).
    pub fn compiler(&self) -> &Compiler {
        &self.compiler
    }

    /// Counters of the compiler runs made so far.
    pub fn stats(&self) -> &Stats {
        &self.compiler.stats
    }

    fn reject_reason(&self, src: &str) -> Option<&'static str> {
        if src.len() > self.config.max_source_bytes {
            return Some("too large");
        }
        let suspicious = src.chars().filter(|&c| c == '\0' || (c.is_control() && !c.is_whitespace())).count();
        if src.contains('\0') || suspicious * 20 > src.chars().count().max(1) {
            return Some("binary");
        }
        None
    }

    /// Checks every sample; results come back in input order. An `Err` input is a sample that
    /// could not even be read as text (its reason becomes the rejection reason). `interrupted` is
    /// polled on the calling thread between units of work; when it returns true the run stops.
    pub fn check(&self, inputs: &[Result<String, String>], interrupted: &mut dyn FnMut() -> bool) -> Result<Vec<SampleResult>, Cancelled> {
        let isolation = self.isolation().to_string();
        let mut results: Vec<Option<SampleResult>> = vec![None; inputs.len()];
        let mut unique: Vec<String> = Vec::new();
        let mut unique_key: Vec<String> = Vec::new();
        let mut slot_of: HashMap<&str, usize> = HashMap::new();
        let mut waiting: Vec<(usize, usize)> = Vec::new(); // (input index, unique index)
        for (i, input) in inputs.iter().enumerate() {
            let src = match input {
                Err(reason) => {
                    results[i] = Some(SampleResult::rejected(reason, &isolation));
                    continue;
                }
                Ok(src) => src,
            };
            if let Some(reason) = self.reject_reason(src) {
                results[i] = Some(SampleResult::rejected(reason, &isolation));
                continue;
            }
            if let Some(&u) = slot_of.get(src.as_str()) {
                waiting.push((i, u));
                continue;
            }
            let key = cache::key(&self.context, src);
            let hit = match self.cache.as_ref().map(|c| c.get_bound(&key, src)) {
                Some(cache::Lookup::Hit(value)) => serde_json::from_value::<SampleResult>(value).ok(),
                // A wrong entry (another key's or another source's) is not served: recomputed
                // and overwritten below.
                Some(cache::Lookup::Wrong) => {
                    self.compiler.stats.cache_rejected.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    None
                }
                _ => None,
            };
            if let Some(hit) = hit {
                results[i] = Some(SampleResult { cached: true, duration_ms: 0.0, isolation: isolation.clone(), ..hit });
                continue;
            }
            slot_of.insert(src.as_str(), unique.len());
            waiting.push((i, unique.len()));
            unique.push(src.clone());
            unique_key.push(key);
        }

        let finals = if unique.is_empty() { Vec::new() } else { self.run_all(&unique, interrupted)? };

        let computed: Vec<SampleResult> = finals
            .into_iter()
            .map(|(fin, ms)| {
                let (status, verdict) = match fin {
                    Final::Checked(v) => (if v.compiles { Status::Ok } else { Status::Error }, v),
                    Final::TimedOut => (
                        Status::Timeout,
                        Verdict { compiles: false, first_error_kind: Some("other".into()), first_error: Some("compile timed out".into()), ..Default::default() },
                    ),
                };
                SampleResult { status, verdict, reject_reason: None, cached: false, duration_ms: ms, isolation: isolation.clone() }
            })
            .collect();
        if let Some(cache) = &self.cache {
            for ((r, key), src) in computed.iter().zip(&unique_key).zip(&unique) {
                // Timeouts depend on load, and an uncoded "other" error may be the environment's
                // fault (a crash at a resource limit, a missing dependency file): keep verdicts only.
                let environmental = r.verdict.error_codes.is_empty() && r.verdict.first_error_kind.as_deref() == Some("other");
                if r.status == Status::Ok || (r.status == Status::Error && !environmental) {
                    let _ = cache.put_bound(key, src, serde_json::to_value(r).expect("serialisable"));
                }
            }
        }
        for (i, u) in waiting {
            results[i] = Some(computed[u].clone());
        }
        Ok(results.into_iter().map(|r| r.expect("every input has a result")).collect())
    }

    /// Runs all checks for `sources` on the worker pool; returns each one's end and the
    /// milliseconds of compiler time attributed to it (a batch's time is shared by its members).
    fn run_all(&self, sources: &[String], interrupted: &mut dyn FnMut() -> bool) -> Result<Vec<(Final, f64)>, Cancelled> {
        let shapes: Vec<Shape> = sources.iter().map(|s| shape(s, &self.config.edition)).collect();
        let kinds: Vec<CrateKind> = shapes.iter().map(|s| self.config.crate_type.kind_of(s)).collect();
        let mut finals: Vec<Option<(Final, f64)>> = vec![None; sources.len()];
        // A sample that reads a file by path fails with that reason, without a compiler run: it is
        // checked as one file, which has no neighbours (and must never see a batch peer's).
        for (i, s) in shapes.iter().enumerate() {
            if let Some(reason) = s.reads_file {
                finals[i] = Some((Final::Checked(reads_file_verdict(reason)), 0.0));
            }
        }
        let mut tasks = Vec::new();
        // Samples tree-sitter already sees failing (syntax errors) are checked alone: in a batch
        // they would make rustc skip the late lint passes of the whole batch (every error-free
        // member checked twice), and two failing members are checked alone anyway (batch.rs).
        let alone = |i: usize| shapes[i].solo_reason.is_some() || shapes[i].syntax_error;
        for kind in [CrateKind::Bin, CrateKind::Lib] {
            let members: Vec<usize> = (0..sources.len()).filter(|&i| finals[i].is_none() && kinds[i] == kind && !alone(i)).collect();
            for chunk in members.chunks(self.config.batch_size) {
                tasks.push(Task::Batch { kind, members: chunk.to_vec() });
            }
        }
        tasks.extend((0..sources.len()).filter(|&i| finals[i].is_none() && alone(i)).map(|member| Task::Single { member }));

        let state = Mutex::new(Pool { queue: tasks.into(), redo: HashMap::new(), running: 0, finals, error: None, carried: HashMap::new() });
        let wake = Condvar::new();
        let cancel = AtomicBool::new(false);
        std::thread::scope(|scope| {
            for _ in 0..self.jobs.min(sources.len().max(1)) {
                scope.spawn(|| self.worker(sources, &kinds, &state, &wake, &cancel));
            }
            // The calling thread only watches for interruption (Python runs signal handlers on it).
            loop {
                let mut guard = state.lock().expect("pool lock");
                if !guard.finished() {
                    guard = wake.wait_timeout(guard, Duration::from_millis(50)).expect("pool lock").0;
                }
                let done = guard.finished();
                drop(guard);
                if done || cancel.load(Ordering::Relaxed) {
                    break;
                }
                if interrupted() {
                    cancel.store(true, Ordering::Relaxed);
                    wake.notify_all();
                    break;
                }
            }
        });
        let pool = state.into_inner().expect("pool lock");
        if cancel.load(Ordering::Relaxed) {
            return Err(Cancelled);
        }
        Ok(pool
            .finals
            .into_iter()
            .map(|f| f.unwrap_or_else(|| (Final::Checked(internal_error(pool.error.as_deref())), 0.0)))
            .collect())
    }

    fn worker(&self, sources: &[String], kinds: &[CrateKind], state: &Mutex<Pool>, wake: &Condvar, cancel: &AtomicBool) {
        loop {
            let task = {
                let mut pool = state.lock().expect("pool lock");
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    if let Some(task) = pool.queue.pop_front() {
                        pool.running += 1;
                        break task;
                    }
                    // Nothing queued: rather than idle, re-check what survivors there are.
                    if let Some(task) = pool.redo_batch(self.config.batch_size, false) {
                        pool.running += 1;
                        break task;
                    }
                    if pool.running == 0 {
                        wake.notify_all();
                        return;
                    }
                    pool = wake.wait(pool).expect("pool lock");
                }
            };
            let outcome = self.compiler.run_task(&task, sources, kinds, cancel);
            if self.trace {
                trace_task(&task, &outcome);
            }
            let mut pool = state.lock().expect("pool lock");
            pool.running -= 1;
            match outcome {
                Ok(TaskOutput { finals, follow_ups, elapsed, cancelled, redo }) => {
                    if cancelled {
                        cancel.store(true, Ordering::Relaxed);
                    }
                    let members = match &task {
                        Task::Single { .. } => 1,
                        Task::Batch { members, .. } => members.len(),
                    };
                    let share = elapsed.as_secs_f64() * 1000.0 / members as f64;
                    for &m in &redo {
                        *pool.carried.entry(m).or_insert(0.0) += share;
                    }
                    if let Task::Batch { kind, .. } = &task {
                        pool.redo.entry(*kind).or_default().extend(redo);
                    }
                    // Time spent in rounds that settled nothing is charged to the follow-ups' members.
                    for t in &follow_ups {
                        let ms = match t {
                            Task::Single { member } => vec![*member],
                            Task::Batch { members, .. } => members.clone(),
                        };
                        for m in ms {
                            *pool.carried.entry(m).or_insert(0.0) += share;
                        }
                    }
                    for (m, fin) in finals {
                        let carried = pool.carried.remove(&m).unwrap_or(0.0);
                        pool.finals[m] = Some((fin, share + carried));
                    }
                    pool.queue.extend(follow_ups);
                    // Survivors of several batches make one full batch, not several small ones.
                    while let Some(t) = pool.redo_batch(self.config.batch_size, true) {
                        pool.queue.push_back(t);
                    }
                }
                Err(e) => {
                    // Infrastructure failure (cannot write a temp file, cannot start the sandbox):
                    // every member of the task gets the error rather than the whole run dying.
                    let members = match &task {
                        Task::Single { member } => vec![*member],
                        Task::Batch { members, .. } => members.clone(),
                    };
                    for m in members {
                        pool.finals[m] = Some((Final::Checked(internal_error(Some(&e))), 0.0));
                    }
                    pool.error = Some(e);
                }
            }
            wake.notify_all();
        }
    }
}

/// One line per task on stderr (`SIGIL_EVALUATOR_TRACE=1`): what ran, how long, what followed.
fn trace_task(task: &Task, outcome: &Result<TaskOutput, String>) {
    let what = match task {
        Task::Single { member } => format!("single #{member}"),
        Task::Batch { kind, members } => format!("batch {} x{}", kind.as_flag(), members.len()),
    };
    match outcome {
        Ok(o) => eprintln!(
            "sigil-evaluator: {what}: {:.0} ms, {} settled, follow-ups {:?}",
            o.elapsed.as_secs_f64() * 1000.0,
            o.finals.len(),
            o.follow_ups.iter().map(|t| match t {
                Task::Single { .. } => "single".to_string(),
                Task::Batch { members, .. } => format!("batch x{}", members.len()),
            }).collect::<Vec<_>>()
        ),
        Err(e) => eprintln!("sigil-evaluator: {what}: failed: {e}"),
    }
}

struct Pool {
    queue: std::collections::VecDeque<Task>,
    /// Members waiting to be re-checked, by crate kind.
    redo: HashMap<CrateKind, Vec<usize>>,
    running: usize,
    finals: Vec<Option<(Final, f64)>>,
    error: Option<String>,
    carried: HashMap<usize, f64>,
}

impl Pool {
    /// Nothing queued, running or waiting to be re-checked.
    fn finished(&self) -> bool {
        self.queue.is_empty() && self.running == 0 && self.redo.values().all(Vec::is_empty)
    }

    /// Up to `batch_size` members waiting to be re-checked, of one kind; with `full`, only
    /// once a whole batch of them is waiting.
    fn redo_batch(&mut self, batch_size: usize, full: bool) -> Option<Task> {
        let need = if full { batch_size } else { 1 };
        let (&kind, members) = self.redo.iter_mut().find(|(_, m)| m.len() >= need)?;
        let take = members.len().min(batch_size);
        Some(Task::Batch { kind, members: members.drain(..take).collect() })
    }
}

fn reads_file_verdict(reason: &str) -> Verdict {
    Verdict {
        compiles: false,
        first_error_kind: Some("other".into()),
        first_error: Some(format!("sample reads a file by path ({reason}); a sample is checked as a single file, alone")),
        ..Default::default()
    }
}

fn internal_error(msg: Option<&str>) -> Verdict {
    Verdict {
        compiles: false,
        first_error_kind: Some("other".into()),
        first_error: Some(format!("evaluator could not run the compiler: {}", msg.unwrap_or("unknown error"))),
        ..Default::default()
    }
}
