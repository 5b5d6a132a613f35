//! From how a run ended to a status, test counts and a message.

use crate::sandbox::{End, Ended};
use super::program::{Kind, Status};

/// The verdict on one run of a program (one whole `main`/test binary run, or one stdin case).
#[derive(Debug, Clone)]
pub struct RunVerdict {
    pub status: Status,
    pub passed: u32,
    pub total: u32,
    pub message: String,
}

/// Judges one run. `cpu_limit_s` tells a CPU-limit kill from another SIGKILL; `expected` is the
/// stdout an `io` case must produce; `witnessed` whether the run's witness (witness.rs) reported
/// that `main` returned 0 — required for `main` and `unit` runs, whose exit status and output the
/// program controls. A run is one whole `main`, one test binary run (all its tests, or one) or one
/// stdin case: `passed` is 1 when it passed.
pub fn judge(kind: Kind, ended: &Ended, cpu_limit_s: u64, expected: Option<&[u8]>, witnessed: Option<bool>) -> RunVerdict {
    let stdout = String::from_utf8_lossy(&ended.stdout);
    let stderr = String::from_utf8_lossy(&ended.stderr);
    let (passed, total) = (0, 1);
    let verdict = |status, passed, message: String| RunVerdict { status, passed, total, message };
    match ended.end {
        End::OutputLimit => verdict(Status::OutputLimit, passed, "stdout or stderr over the output limit".into()),
        End::WallTimeout => verdict(Status::Timeout, passed, "wall-clock limit".into()),
        // Program runs are never given a cancel flag.
        End::Cancelled => verdict(Status::Error, passed, "cancelled".into()),
        End::Signaled(sig) if sig == libc::SIGXCPU || (sig == libc::SIGKILL && ended.cpu.as_secs() >= cpu_limit_s) => {
            verdict(Status::Timeout, passed, "CPU-time limit".into())
        }
        End::Signaled(sig) if sig == libc::SIGABRT && stderr.contains("memory allocation of") => {
            verdict(Status::MemoryLimit, passed, first_line_with(&stderr, "memory allocation of"))
        }
        End::Signaled(sig) => {
            let mut message = signal_name(sig).to_string();
            if let Some(line) = stderr.lines().find(|l| l.contains("overflowed its stack")) {
                message = format!("{message}: {}", line.trim());
            }
            verdict(Status::Signal, passed, message)
        }
        End::Exited(0) => match kind {
            Kind::Unit | Kind::Main if witnessed != Some(true) => verdict(
                Status::Failed,
                0,
                "exited with status 0 without returning from main: the tests did not finish (no witness report)".into(),
            ),
            Kind::Unit | Kind::Main => verdict(Status::Passed, 1, String::new()),
            Kind::Io => match expected {
                Some(want) if trim_end(want) != trim_end(&ended.stdout) => verdict(
                    Status::Failed,
                    0,
                    format!("expected output {:?}, got {:?}", clip(&String::from_utf8_lossy(want)), clip(&stdout)),
                ),
                _ => verdict(Status::Passed, 1, String::new()),
            },
        },
        End::Exited(code) => {
            // A panic that ran out of memory while unwinding, or a Rust OOM reported without abort.
            if stderr.contains("memory allocation of") {
                return verdict(Status::MemoryLimit, passed, first_line_with(&stderr, "memory allocation of"));
            }
            let message = panic_message(&stdout).or_else(|| panic_message(&stderr)).unwrap_or_else(|| {
                match stderr.lines().rev().find(|l| !l.trim().is_empty()) {
                    Some(last) => format!("exit code {code}: {}", clip(last.trim())),
                    None => format!("exit code {code}"),
                }
            });
            verdict(Status::Failed, passed, message)
        }
    }
}

/// Test names from libtest's `--list --format terse` (`name: test` lines; benchmarks left out).
/// No test code runs while libtest lists, so the program cannot add or hide names here.
pub fn listed_tests(stdout: &str) -> Vec<String> {
    stdout.lines().filter_map(|l| l.strip_suffix(": test")).map(str::to_string).collect()
}

/// The message of the first panic: the text after `panicked at <place>:` up to the `note:` line.
pub fn panic_message(text: &str) -> Option<String> {
    let at = text.find("panicked at ")?;
    let rest = &text[at..];
    let body = &rest[rest.find('\n')? + 1..];
    let mut lines = Vec::new();
    for line in body.lines() {
        if line.starts_with("note: ") || line.starts_with("stack backtrace:") || line.is_empty() {
            break;
        }
        lines.push(line);
    }
    Some(clip(&lines.join("\n")))
}

fn first_line_with(text: &str, needle: &str) -> String {
    text.lines().find(|l| l.contains(needle)).unwrap_or(needle).trim().to_string()
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
    &bytes[..end]
}

fn clip(text: &str) -> String {
    if text.len() <= 500 {
        return text.to_string();
    }
    let mut end = 500;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// The conventional name of a signal number.
pub fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGABRT => "SIGABRT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGXFSZ => "SIGXFSZ",
        libc::SIGSYS => "SIGSYS",
        libc::SIGTRAP => "SIGTRAP",
        _ => "signal",
    }
}
