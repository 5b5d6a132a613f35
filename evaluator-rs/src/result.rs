//! The per-sample result the evaluator hands back.

use serde::{Deserialize, Serialize};

use crate::diagnostics::Verdict;

/// How a sample's check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Compiled (warnings allowed).
    Ok,
    /// Did not compile (or the compiler crashed on it).
    Error,
    /// Hit the wall-clock limit.
    Timeout,
    /// Never compiled: binary, too large or not UTF-8.
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
            Status::Timeout => "timeout",
            Status::Rejected => "rejected",
        }
    }
}

/// One sample's result. Lint counts of samples that do not compile are partial: rustc skips its
/// late lint passes (most of clippy) once a crate has errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleResult {
    pub status: Status,
    pub verdict: Verdict,
    pub reject_reason: Option<String>,
    pub cached: bool,
    pub duration_ms: f64,
    pub isolation: String,
}

impl SampleResult {
    pub fn rejected(reason: &str, isolation: &str) -> SampleResult {
        SampleResult {
            status: Status::Rejected,
            verdict: Verdict::default(),
            reject_reason: Some(reason.to_string()),
            cached: false,
            duration_ms: 0.0,
            isolation: isolation.to_string(),
        }
    }
}
