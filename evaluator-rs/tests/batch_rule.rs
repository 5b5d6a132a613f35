//! The reproductions of issue #10 (a verdict never depends on batch-mates) and of #11 items 5-7
//! (no peer reads, bound cache entries, one hang costs about one timeout, capped messages).
//! Every batched result is compared, field by field, with the same sample checked alone.

use std::time::Duration;

use sigil_evaluator::batch::{Final, VerdictMode};
use sigil_evaluator::evaluator::{Config, CrateType, Evaluator};
use sigil_evaluator::shape::shape;
use sigil_evaluator::{SampleResult, Status};

fn evaluator(config: Config) -> Evaluator {
    Evaluator::new(Config { sandbox: false, jobs: Some(2), compile_timeout: Duration::from_secs(60), ..config }).expect("toolchain available")
}

fn check(ev: &Evaluator, sources: &[&str]) -> Vec<SampleResult> {
    let inputs: Vec<Result<String, String>> = sources.iter().map(|s| Ok(s.to_string())).collect();
    ev.check(&inputs, &mut || false).unwrap()
}

/// Each batched result equals the sample checked alone (the evaluator's single-file path).
fn assert_alone(ev: &Evaluator, sources: &[&str], got: &[SampleResult]) {
    for (src, g) in sources.iter().zip(got) {
        let kind = ev.config.crate_type.kind_of(&shape(src, &ev.config.edition));
        let Final::Checked(want) = ev.compiler().check_single(src, kind, &Default::default()).unwrap().unwrap() else {
            panic!("reference timed out")
        };
        assert_eq!(g.verdict, want, "sample:\n{src}");
    }
}

const NON_ASCII_DENY: &str = "#![deny(non_ascii_idents)]\nfn main() {\n    let zähler = 1;\n    println!(\"{zähler}\");\n}\n";
const CRATE_LEVEL_CLIPPY: &str = "#![warn(clippy::multiple_inherent_impl)]\npub struct S;\nimpl S {\n    pub fn a(&self) {}\n}\nimpl S {\n    pub fn b(&self) {}\n}\nfn main() {\n    S.a();\n    S.b();\n}\n";
const NURSERY: &str = "#![warn(clippy::nursery)]\nfn main() {\n    let s = String::from(\"a\");\n    let t = s.clone();\n    println!(\"{t}\");\n}\n";
const REDUNDANT_CLONE_ITEM: &str = "#[warn(clippy::redundant_clone)]\nfn copy(s: &str) -> String {\n    let t = s.to_string();\n    t.clone()\n}\nfn main() {\n    println!(\"{}\", copy(\"a\"));\n}\n";
const OVERFLOW: &str = "fn main() {\n    let limit: u8 = 255;\n    let next = limit + 1;\n    println!(\"{next}\");\n}\n";
const CYRILLIC: &str = "fn main() {\n    let \u{430} = 1;\n    println!(\"{}\", \u{430});\n}\n";
const LATIN: &str = "fn main() {\n    let a = 2;\n    println!(\"{a}\");\n}\n";
const APPROX_PI: &str = "fn main() {\n    let pi = 3.14159;\n    println!(\"{pi}\");\n}\n";
const DENY_LINTS_ONLY: &str = "fn main() {\n    let pi = 3.14159;\n    let x = 5;\n    let same = x == x;\n    let a = [1, 2, 3];\n    println!(\"{pi} {same} {}\", a[5]);\n}\n";
const HARD_ERROR: &str = "fn main() {\n    let n: i32 = \"five\";\n    println!(\"{n}\");\n}\n";
const CLEAN: &str = "fn helper(v: &[i32]) -> usize {\n    v.len()\n}\nfn main() {\n    println!(\"{}\", helper(&[1]));\n}\n";

#[test]
fn crate_scope_samples_get_their_lone_verdict_in_any_batch() {
    let ev = evaluator(Config { batch_size: 32, ..Config::default() });
    let sources = [NON_ASCII_DENY, CRATE_LEVEL_CLIPPY, NURSERY, OVERFLOW, REDUNDANT_CLONE_ITEM, CYRILLIC, LATIN, CLEAN];
    let got = check(&ev, &sources);
    // `#![deny(non_ascii_idents)]` is read at the crate root: alone it fails.
    assert!(!got[0].verdict.compiles, "{:?}", got[0]);
    assert_eq!(got[0].verdict.error_codes, vec!["non_ascii_idents"]);
    assert!(!got[0].verdict.lints.contains_key("unused_attributes"));
    // A crate-level clippy lint keeps its warning.
    assert_eq!(got[1].verdict.lints.get("clippy::multiple_inherent_impl"), Some(&1));
    // Batch-mates that build optimized MIR do not make `255 + 1` fail under `check`.
    assert!(got[3].verdict.compiles, "{:?}", got[3]);
    // Identifier lints see only the sample's own identifiers.
    assert!(!got[5].verdict.lints.contains_key("confusable_idents"), "{:?}", got[5]);
    assert!(got[6].verdict.lints.is_empty(), "{:?}", got[6]);
    assert_alone(&ev, &sources, &got);
}

#[test]
fn clippy_deny_lints_are_counted_not_compile_failures() {
    let ev = evaluator(Config { batch_size: 32, ..Config::default() });
    let sources = [APPROX_PI, DENY_LINTS_ONLY, HARD_ERROR, CLEAN];
    let got = check(&ev, &sources);
    assert!(got[0].verdict.compiles, "{:?}", got[0]);
    assert_eq!(got[0].status, Status::Ok);
    assert_eq!((got[0].verdict.clippy_errors, got[0].verdict.clippy_warnings), (1, 0));
    assert_eq!(got[0].verdict.lints.get("clippy::approx_constant"), Some(&1));
    assert!(got[0].verdict.error_codes.is_empty());
    // Next to a failing neighbour it still reports all its deny-level lints.
    assert!(got[1].verdict.compiles, "{:?}", got[1]);
    assert_eq!(got[1].verdict.clippy_errors, 3, "{:?}", got[1]);
    assert!(!got[2].verdict.compiles);
    assert_alone(&ev, &sources, &got);
}

#[test]
fn a_failure_clippy_caused_is_settled_by_rustc() {
    // `redundant_clone` builds optimized MIR, where rustc's `arithmetic_overflow` lint runs;
    // `rustc --emit=metadata` (cargo check) never builds it, and compiles the sample.
    let ev = evaluator(Config { batch_size: 32, lints: Some(vec!["-W clippy::redundant_clone".into()]), ..Config::default() });
    let got = check(&ev, &[OVERFLOW, CLEAN]);
    assert!(got[0].verdict.compiles, "{:?}", got[0]);
    assert!(ev.stats().rustc_verdicts.load(std::sync::atomic::Ordering::Relaxed) >= 1);
}

#[test]
fn build_verdicts_reject_what_only_codegen_sees() {
    let check_ev = evaluator(Config { batch_size: 8, ..Config::default() });
    let build_ev = evaluator(Config { batch_size: 8, verdict: VerdictMode::Build, ..Config::default() });
    let sources = [OVERFLOW, CLEAN, APPROX_PI];
    let checked = check(&check_ev, &sources);
    let built = check(&build_ev, &sources);
    assert!(checked[0].verdict.compiles);
    assert!(!built[0].verdict.compiles);
    assert_eq!(built[0].verdict.error_codes, vec!["arithmetic_overflow"]);
    assert!(built[1].verdict.compiles && built[2].verdict.compiles);
    assert_alone(&build_ev, &sources, &built);
}

#[test]
fn no_sample_reads_a_peer_or_any_other_file() {
    let ev = evaluator(Config { batch_size: 8, ..Config::default() });
    let peek = "fn main() {\n    let s = include_str!(\"../s1/main.rs\");\n    println!(\"{}\", s.len());\n}\n";
    let module = "mod helpers;\nfn main() {\n    helpers::run();\n}\n";
    // By absolute path, where the batch directory is mounted in the sandbox: checked alone, it
    // finds no peer there.
    let absolute = "fn main() {\n    let s = include_str!(\"/src/s1/main.rs\");\n    println!(\"{}\", s.len());\n}\n";
    let got = check(&ev, &[peek, CLEAN, LATIN, module, absolute]);
    for r in [&got[0], &got[3]] {
        assert!(!r.verdict.compiles, "{r:?}");
        assert!(r.verdict.first_error.as_deref().unwrap().contains("reads a file by path"), "{r:?}");
    }
    assert!(got[1].verdict.compiles && got[2].verdict.compiles);
    assert!(!got[4].verdict.compiles && got[4].verdict.first_error.as_deref().unwrap().contains("couldn't read"), "{:?}", got[4]);
}

#[test]
fn libraries_are_checked_as_libraries() {
    let lib = "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n";
    let auto = check(&evaluator(Config::default()), &[lib]);
    let as_lib = check(&evaluator(Config { crate_type: CrateType::Lib, ..Config::default() }), &[lib, CLEAN]);
    let as_bin = check(&evaluator(Config { crate_type: CrateType::Bin, ..Config::default() }), &[lib]);
    assert!(auto[0].verdict.compiles && as_lib[0].verdict.compiles);
    // A program checked as a library: `main` (and what only it uses) is dead code there.
    assert_eq!(as_lib[1].verdict.lints.get("dead_code"), Some(&2), "{:?}", as_lib[1]);
    assert_eq!(as_bin[0].verdict.error_codes, vec!["E0601"]);
}

#[test]
fn one_hang_costs_about_one_timeout() {
    let ev = evaluator(Config { batch_size: 16, compile_timeout: Duration::from_secs(3), ..Config::default() });
    let bomb = "macro_rules! boom { ($($t:tt)*) => { boom!($($t)* $($t)*); }; }\nfn main() {\n    boom!(x);\n}\n";
    let mut sources = vec![CLEAN, LATIN, APPROX_PI, HARD_ERROR, OVERFLOW, bomb];
    let extra: Vec<String> = (0..10).map(|i| CLEAN.replace("helper", &format!("helper{i}"))).collect();
    sources.extend(extra.iter().map(String::as_str));
    let got = check(&ev, &sources);
    assert!(matches!(got[5].status, Status::Timeout | Status::Error), "{:?}", got[5]);
    assert!(got[0].verdict.compiles && got[2].verdict.compiles && !got[3].verdict.compiles);
    // The batch's limit, then the bomb alone: two compiler runs hit a limit, not one per halving level.
    let timeouts = ev.stats().timeouts.load(std::sync::atomic::Ordering::Relaxed);
    assert!(timeouts <= 2, "{timeouts} compiler runs timed out");
}

#[test]
fn error_text_is_capped_and_says_so() {
    // A few lines of macros that make a 4 MB error message.
    let mut src = String::from("macro_rules! m0 { () => { \"");
    src.push_str(&"x".repeat(1000));
    src.push_str("\" } }\n");
    for level in 1..5 {
        let prev = format!("m{}!()", level - 1);
        let args = [prev.as_str(); 8].join(", ");
        src.push_str(&format!("macro_rules! m{level} {{ () => {{ concat!({args}) }} }}\n"));
    }
    src.push_str("compile_error!(m4!());\nfn main() {}\n");
    assert!(src.len() < 3000);
    let got = check(&evaluator(Config::default()), &[&src]);
    let msg = got[0].verdict.first_error.as_deref().unwrap();
    assert!(msg.len() < 2200 && msg.contains("[... cut: "), "{} bytes", msg.len());
}
