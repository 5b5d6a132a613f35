//! The plain Rust evaluator, without Python: batched verdicts equal single-file verdicts.

use std::time::Duration;

use sigil_evaluator::batch::Final;
use sigil_evaluator::evaluator::{Config, Evaluator};
use sigil_evaluator::shape::shape;
use sigil_evaluator::Status;

const SAMPLES: &[&str] = &[
    "fn main() {\n    let x = 5;\n    return;\n}\n",
    "fn main() {\n    let n: i32 = \"five\";\n    let unused = 1;\n}\n",
    "fn helper(v: &Vec<i32>) -> usize {\n    v.len()\n}\nfn main() {\n    println!(\"{}\", helper(&vec![1]));\n}\n",
    "pub fn add(a: i32, b: i32) -> i32 {\n    return a + b;\n}\nfn private_unused() {}\n",
    "fn main() -> i32 {\n    0\n}\n",
    "fn main() {\n    let mut v = vec![1];\n    let f = &v[0];\n    v.push(2);\n    println!(\"{f}\");\n}\n",
    "fn main() {\n    let a = [1, 2, 3];\n    println!(\"{}\", a[7]);\n}\n",
    "fn f() -> u8 { 1 }\nfn main() {\n    println!(\"{}\", crate::f());\n}\n",
];

fn evaluator(batch_size: usize) -> Evaluator {
    Evaluator::new(Config { sandbox: false, batch_size, jobs: Some(2), compile_timeout: Duration::from_secs(60), ..Config::default() })
        .expect("toolchain available")
}

#[test]
fn batches_say_what_single_checks_say() {
    let inputs: Vec<Result<String, String>> = SAMPLES.iter().map(|s| Ok(s.to_string())).collect();
    let batched = evaluator(32).check(&inputs, &mut || false).unwrap();
    let alone = evaluator(32);
    for (src, got) in SAMPLES.iter().zip(&batched) {
        let reference = alone.compiler().check_single(src, shape(src, "2021").kind, &Default::default()).unwrap().unwrap();
        let Final::Checked(want) = reference else { panic!("reference timed out") };
        assert_eq!(got.verdict, want, "sample:\n{src}");
        assert_eq!(got.status, if want.compiles { Status::Ok } else { Status::Error });
    }
    // A spot check of what the verdicts are, so equality is not equality of two empty results.
    assert_eq!(batched[0].verdict.lints.get("clippy::needless_return"), Some(&1));
    assert_eq!(batched[1].verdict.error_codes, vec!["E0308"]);
    assert_eq!(batched[3].verdict.lints.get("dead_code"), Some(&1));
    assert_eq!(batched[4].verdict.error_codes, vec!["E0277"]);
}

#[test]
fn rejects_without_compiling() {
    let ev = evaluator(4);
    let inputs = vec![Ok("\0\0\0binary".to_string()), Ok("x".repeat(600 * 1024)), Err("not utf-8".to_string())];
    let out = ev.check(&inputs, &mut || false).unwrap();
    let reasons: Vec<_> = out.iter().map(|r| r.reject_reason.as_deref()).collect();
    assert_eq!(reasons, vec![Some("binary"), Some("too large"), Some("not utf-8")]);
    assert!(out.iter().all(|r| r.status == Status::Rejected));
}

#[test]
fn a_runaway_member_is_split_off_and_the_rest_still_checked() {
    let ev = Evaluator::new(Config {
        sandbox: false,
        batch_size: 8,
        jobs: Some(2),
        compile_timeout: Duration::from_millis(1500),
        ..Config::default()
    })
    .unwrap();
    let bomb = "macro_rules! boom { ($($t:tt)*) => { boom!($($t)* $($t)*); }; }\nfn main() {\n    boom!(x);\n}\n";
    let mut inputs: Vec<Result<String, String>> = SAMPLES[..4].iter().map(|s| Ok(s.to_string())).collect();
    inputs.insert(2, Ok(bomb.to_string()));
    let out = ev.check(&inputs, &mut || false).unwrap();
    assert!(matches!(out[2].status, Status::Timeout | Status::Error), "{:?}", out[2]);
    assert_eq!(out[0].verdict.lints.get("clippy::needless_return"), Some(&1));
    assert_eq!(out[1].verdict.error_codes, vec!["E0308"]);
    assert_eq!(out[4].verdict.lints.get("dead_code"), Some(&1));
}
