//! Evidence that a program's tests really finished, which the program cannot write by itself.
//!
//! A program decides its own exit status and stdout: `std::process::exit(0)` in the middle of the
//! tests, or a printed `test x ... ok` line, would pass a failing sample if the verdict were read
//! from them. Instead every binary is linked with a small wrapper around `main`
//! (`-Wl,--wrap=main`): before any code of the program runs, the wrapper reads a fresh random
//! nonce from descriptor [`NONCE_FD`] and closes it; when `main` *returns* 0 (libtest's `main`
//! returns only when every selected test passed; `fn main` returns only after its last
//! assertion), it writes the nonce to descriptor [`REPORT_FD`]. The harness counts a run as passed
//! only when that descriptor carried exactly the nonce and the process exited 0. Exiting early
//! (`exit`, `_exit`, `abort`, a panic hook, a signal, killing the jail's init) never writes it;
//! writing garbage to [`REPORT_FD`] only spoils the program's own report.
//!
//! What this cannot stop, and what closes those holes instead, is in docs/functional.md ("Threat
//! model"): code that runs before the wrapper or replaces it (`#[link_section]`, `#[no_mangle]`,
//! `asm!` …) and test assertions redefined by the completion are refused by [`refusal`]; a program
//! that deliberately searches its own memory for the nonce is the residual risk.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The descriptor the wrapper reads the nonce from (closed before `main` runs).
pub const NONCE_FD: libc::c_int = 3;
/// The descriptor the wrapper writes the nonce to after `main` returned 0.
pub const REPORT_FD: libc::c_int = 4;
/// Hex characters in a nonce (128 random bits).
pub const NONCE_LEN: usize = 32;

/// The wrapper, compiled once per executor into an object linked into every binary. `no_std` and
/// free of panics, so it pulls in nothing but three libc calls.
const WRAPPER_SOURCE: &str = r#"#![no_std]
extern "C" {
    fn __real_main(argc: i32, argv: *const *const u8, envp: *const *const u8) -> i32;
    fn read(fd: i32, buf: *mut u8, n: usize) -> isize;
    fn write(fd: i32, buf: *const u8, n: usize) -> isize;
    fn close(fd: i32) -> i32;
}

#[no_mangle]
pub unsafe extern "C" fn __wrap_main(argc: i32, argv: *const *const u8, envp: *const *const u8) -> i32 {
    let mut nonce = [0u8; 64];
    let mut len = 0usize;
    while len < 64 {
        let got = read(3, nonce.as_mut_ptr().add(len), 64 - len);
        if got <= 0 {
            break;
        }
        len += got as usize;
    }
    close(3);
    let code = __real_main(argc, argv, envp);
    if code == 0 && len > 0 {
        write(4, nonce.as_ptr(), len);
    }
    close(4);
    code
}
"#;

/// Compiles the wrapper into `<dir>/witness.o` with the run's own rustc (trusted source: ours).
pub fn build_wrapper(rustc: &Path, dir: &Path) -> Result<PathBuf, String> {
    let source = dir.join("witness.rs");
    let object = dir.join("witness.o");
    std::fs::write(&source, WRAPPER_SOURCE).map_err(|e| format!("cannot write {}: {e}", source.display()))?;
    let out = Command::new(rustc)
        .args(["--edition=2021", "--crate-type=lib", "--crate-name=sigil_witness", "--emit=obj", "-Cpanic=abort", "-Copt-level=2", "-o"])
        .arg(&object)
        .arg(&source)
        .output()
        .map_err(|e| format!("cannot start {}: {e}", rustc.display()))?;
    if !out.status.success() {
        return Err(format!("cannot build the test witness: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(object)
}

/// rustc arguments that link `object` (its path as the compiler sees it) around `main`.
pub fn link_args(object: &Path) -> Vec<OsString> {
    let mut obj = OsString::from("-Clink-arg=");
    obj.push(object);
    vec![obj, "-Clink-arg=-Wl,--wrap=main".into()]
}

/// A fresh nonce: 128 bits from the kernel's random source, as hex.
pub fn nonce() -> Result<Vec<u8>, String> {
    let mut raw = [0u8; NONCE_LEN / 2];
    // SAFETY: a valid buffer of the given length.
    let got = unsafe { libc::getrandom(raw.as_mut_ptr().cast(), raw.len(), 0) };
    if got != raw.len() as isize {
        return Err(format!("getrandom: {}", std::io::Error::last_os_error()));
    }
    Ok(hex::encode(raw).into_bytes())
}

/// Constructs that could run code before the wrapper, replace it or one of the libc functions it
/// calls, or jump past it. No test solution needs them; a program using one is refused before it
/// is built. Searched in the raw text (comments and strings included), so no lexer quirk can hide
/// one; a false positive costs an honest program only when a comment names one of these words.
const LINK_LEVEL: [&str; 7] = ["no_mangle", "export_name", "link_section", "linkage", "global_asm", "naked_asm", "no_main"];

/// Macros refused when invoked (`asm!`, and `include!`, which could bring in tokens the checks
/// here never saw); as plain words they are common English in comments.
const LINK_LEVEL_MACROS: [&str; 2] = ["asm", "include"];

/// The assertion macros tests are written with. A completion that defines or imports one of these
/// names (`macro_rules! assert_eq { ($($t:tt)*) => {} }`) would turn every later assertion into
/// nothing; only invocations (`assert_eq!`) may use them.
const ASSERTIONS: [&str; 6] = ["assert", "assert_eq", "assert_ne", "debug_assert", "debug_assert_eq", "debug_assert_ne"];

/// Why `source` may not be run with witnessed tests, or None.
pub fn refusal(source: &str) -> Option<String> {
    let invoked = |word: &str| {
        source.match_indices(word).any(|(at, _)| starts_word(source, at, word) && source[at + word.len()..].trim_start().starts_with('!'))
    };
    for word in LINK_LEVEL_MACROS {
        if invoked(word) {
            return Some(format!("refused: the program uses `{word}!`, which could run code around the test harness (see docs/functional.md, threat model)"));
        }
    }
    for word in LINK_LEVEL {
        if contains_word(source, word) {
            return Some(format!("refused: the program uses `{word}`, which could run code around the test harness (see docs/functional.md, threat model)"));
        }
    }
    crate::shape::uninvoked_names(source).into_iter().find(|name| ASSERTIONS.contains(name)).map(|name| {
        format!("refused: the program redefines or renames `{name}!`, which its tests are written with (see docs/functional.md, threat model)")
    })
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| starts_word(text, at, word) && !text.as_bytes().get(at + word.len()).copied().is_some_and(is_word_byte))
}

/// Whether `word` found at `at` is not the tail of a longer identifier.
fn starts_word(text: &str, at: usize, word: &str) -> bool {
    debug_assert!(text[at..].starts_with(word));
    !at.checked_sub(1).map(|i| text.as_bytes()[i]).is_some_and(is_word_byte)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_link_level_tricks_and_redefined_assertions() {
        assert!(refusal("fn main() { assert_eq!(1, 1); assert!(true); }").is_none());
        assert!(refusal("fn main() { let include_str_len = include_str!(\"x\").len(); }").is_none());
        assert!(refusal("#[no_mangle]\npub extern \"C\" fn read() {}").is_some());
        assert!(refusal("#[unsafe(no_mangle)] fn f() {}").is_some());
        assert!(refusal("#[link_section = \".init_array\"] static F: fn() = f;").is_some());
        assert!(refusal("macro_rules! assert_eq { ($($t:tt)*) => {} }").is_some());
        assert!(refusal("macro_rules! nothing { ($($t:tt)*) => {} }\nuse nothing as assert;").is_some());
        assert!(refusal("fn f() { std::arch::asm!(\"nop\"); }").is_some());
        assert!(refusal("include ! (\"/x.rs\");").is_some());
        assert!(refusal("// include every case; asm is not needed\nfn main() {}").is_none());
    }

    #[test]
    fn nonces_differ() {
        let (a, b) = (nonce().unwrap(), nonce().unwrap());
        assert_eq!(a.len(), NONCE_LEN);
        assert_ne!(a, b);
    }
}
