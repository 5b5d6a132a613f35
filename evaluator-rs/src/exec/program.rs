//! What is run and what came of it.

use std::time::Duration;

/// How a program's tests are expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A `fn main` of asserts (MultiPL-E's layout): passes when it exits 0.
    Main,
    /// `#[test]` functions: built with `--test`, each test counts.
    Unit,
    /// A `fn main` reading stdin: each case's stdout must match (trailing whitespace ignored).
    Io,
}

impl Kind {
    pub fn parse(name: &str) -> Result<Kind, String> {
        match name {
            "main" => Ok(Kind::Main),
            "unit" => Ok(Kind::Unit),
            "io" => Ok(Kind::Io),
            other => Err(format!("unknown test kind {other:?}; expected main, unit or io")),
        }
    }
}

/// One stdin/stdout case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IoCase {
    pub input: Vec<u8>,
    pub output: Vec<u8>,
}

/// One whole program (prompt + completion + tests) to build and run.
#[derive(Debug, Clone)]
pub struct Program {
    pub source: String,
    pub kind: Kind,
    pub cases: Vec<IoCase>,
}

/// How a program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Passed,
    /// A test failed: a panic (the message is kept), a non-zero exit or wrong output.
    Failed,
    CompileError,
    /// Wall-clock or CPU-time limit (at run time, or the compiler's own limit at build time).
    Timeout,
    MemoryLimit,
    /// Killed by a signal other than the limits above (abort, segfault, stack overflow).
    Signal,
    OutputLimit,
    /// The harness could not run it (the sandbox failed to start); never the program's fault.
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::CompileError => "compile_error",
            Status::Timeout => "timeout",
            Status::MemoryLimit => "memory_limit",
            Status::Signal => "signal",
            Status::OutputLimit => "output_limit",
            Status::Error => "error",
        }
    }
}

/// The verdict on one program.
#[derive(Debug, Clone)]
pub struct ProgramResult {
    pub status: Status,
    pub tests_passed: u32,
    pub tests_total: u32,
    /// Panic message, first compiler error, signal name or limit hit; empty when it passed.
    pub message: String,
    /// This program's share of its build (a batch's build time divided by its members).
    pub build_time: Duration,
    pub run_time: Duration,
    /// Whether it was built as part of a multi-program binary.
    pub batched: bool,
}
