//! The pre-filter: cheap checks that set aside samples not worth compiling (too short, no `main`,
//! visibly truncated). Callers report both the strict rate (all samples) and the filtered rate.

use crate::evaluator::CrateType;
use crate::shape::{has_main, lexical_defect};

/// Pre-filter thresholds and switches (the reference's `--pre-filter-*` flags).
#[derive(Debug, Clone)]
pub struct PrefilterConfig {
    pub min_length: usize,
    pub min_lines: usize,
    pub check_main: bool,
    pub check_incomplete: bool,
    /// `check_main` drops a sample without `fn main` only when samples are programs (`bin`); with
    /// `lib` or `auto` such a sample is a library and is compiled as one.
    pub crate_type: CrateType,
}

impl Default for PrefilterConfig {
    fn default() -> Self {
        PrefilterConfig { min_length: 50, min_lines: 3, check_main: true, check_incomplete: true, crate_type: CrateType::Auto }
    }
}

/// Why `source` is filtered out, as a stable short reason (`too_short`, `too_few_lines`,
/// `no_main`, or a lexical defect such as `unclosed_delimiter`), or `None` if it passes.
pub fn prefilter(source: &str, cfg: &PrefilterConfig) -> Option<String> {
    let code = source.trim();
    if code.chars().count() < cfg.min_length {
        return Some("too_short".into());
    }
    if code.lines().filter(|l| !l.trim().is_empty()).count() < cfg.min_lines {
        return Some("too_few_lines".into());
    }
    if cfg.check_incomplete {
        if let Some(defect) = lexical_defect(code) {
            return Some(defect.name().into());
        }
    }
    if cfg.check_main && cfg.crate_type == CrateType::Bin && !has_main(code) {
        return Some("no_main".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "fn greet(name: &'static str) -> String {\n    format!(\"hi {name}\")\n}\nfn main() {\n    println!(\"{}\", greet(\"bob\"));\n}\n";

    #[test]
    fn a_complete_program_passes_even_with_static_lifetimes() {
        assert_eq!(prefilter(GOOD, &PrefilterConfig::default()), None);
    }

    #[test]
    fn reasons() {
        let cfg = PrefilterConfig::default();
        assert_eq!(prefilter("fn main() {}", &cfg).as_deref(), Some("too_short"));
        let one_line = "fn main() { println!(\"a fairly long single line program here\"); }";
        assert_eq!(prefilter(one_line, &cfg).as_deref(), Some("too_few_lines"));
        let lib = "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\npub fn sub(a: i32, b: i32) -> i32 {\n    a - b\n}";
        // A library is not dropped unless samples must be programs.
        assert_eq!(prefilter(lib, &cfg), None);
        assert_eq!(prefilter(lib, &PrefilterConfig { crate_type: CrateType::Lib, ..Default::default() }), None);
        let bin_only = PrefilterConfig { crate_type: CrateType::Bin, ..Default::default() };
        assert_eq!(prefilter(lib, &bin_only).as_deref(), Some("no_main"));
        let cut = &GOOD[..GOOD.len() - 3];
        assert_eq!(prefilter(cut, &cfg).as_deref(), Some("unclosed_delimiter"));
    }

    #[test]
    fn switches_turn_checks_off() {
        let cfg = PrefilterConfig { check_main: false, check_incomplete: false, ..Default::default() };
        let lib = "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\npub fn sub(a: i32, b: i32) -> i32 {\n    a - b";
        assert_eq!(prefilter(lib, &cfg), None);
    }
}
