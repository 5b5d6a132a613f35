//! Building and running programs: statuses, test counts, batching equivalence.

use sigil_evaluator::exec::{ExecConfig, Executor, IoCase, Kind, Program, Status};

fn main_program(body: &str) -> Program {
    Program { source: body.to_string(), kind: Kind::Main, cases: Vec::new() }
}

fn executor(batch_size: usize) -> Executor {
    Executor::new(ExecConfig { batch_size, jobs: 2, ..ExecConfig::default() }).expect("toolchain and bubblewrap available")
}

fn corpus() -> Vec<Program> {
    let mut v = vec![
        main_program("fn sq(x: i32) -> i32 { x * x }\nfn main() { assert_eq!(sq(3), 9); }\n"),
        main_program("fn sq(x: i32) -> i32 { x + x }\nfn main() { assert_eq!(sq(3), 9, \"sq of 3\"); }\n"),
        main_program("fn main() { let x: i32 = \"no\"; }\n"),
        main_program("fn main() -> Result<(), String> { Err(\"bad\".into()) }\n"),
        main_program("fn main() -> Result<(), String> { Ok(()) }\n"),
        main_program("fn helper() {}\n"),
        main_program("#![allow(unused)]\nfn main() { let v: Vec<u8> = Vec::new(); assert!(v.is_empty()); }\n"),
        main_program("fn main() { std::process::exit(3); }\n"),
        Program {
            source: "#[cfg(test)]\nmod tests {\n  #[test] fn a() { assert_eq!(1 + 1, 2); }\n  #[test] fn b() { assert!(false, \"b is wrong\"); }\n  #[test] fn c() {}\n}\n".into(),
            kind: Kind::Unit,
            cases: Vec::new(),
        },
        Program { source: "pub fn f() {}\n#[test] fn only() { f(); }\n".into(), kind: Kind::Unit, cases: Vec::new() },
        Program {
            source: "use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); let n: i64 = s.split_whitespace().map(|t| t.parse::<i64>().unwrap()).sum(); println!(\"{n}\"); }\n".into(),
            kind: Kind::Io,
            cases: vec![
                IoCase { input: b"1 2 3".to_vec(), output: b"6\n".to_vec() },
                IoCase { input: b"5".to_vec(), output: b"6".to_vec() },
            ],
        },
    ];
    // Enough plain members that batching really happens.
    for i in 0..6 {
        v.push(main_program(&format!("fn f() -> u32 {{ {i} }}\nfn main() {{ assert_eq!(f(), {}); }}\n", i % 2)));
    }
    v
}

#[test]
fn statuses_counts_and_messages() {
    let results = executor(1).run(&corpus()).unwrap();
    let status: Vec<Status> = results.iter().map(|r| r.status).collect();
    assert_eq!(&status[..11], &[
        Status::Passed,
        Status::Failed,
        Status::CompileError,
        Status::Failed,
        Status::Passed,
        Status::CompileError,
        Status::Passed,
        Status::Failed,
        Status::Failed,
        Status::Passed,
        Status::Failed,
    ]);
    assert!(results[1].message.contains("sq of 3"), "{}", results[1].message);
    assert!(results[2].message.contains("E0308"), "{}", results[2].message);
    assert!(results[5].message.contains("E0601"), "{}", results[5].message);
    assert_eq!((results[8].tests_passed, results[8].tests_total), (2, 3));
    assert!(results[8].message.contains("b is wrong"), "{}", results[8].message);
    assert_eq!((results[9].tests_passed, results[9].tests_total), (1, 1));
    assert_eq!((results[10].tests_passed, results[10].tests_total), (1, 2));
    assert!(results[10].message.contains("expected output"), "{}", results[10].message);
}

#[test]
fn batching_gives_the_same_verdicts_as_building_alone() {
    let programs = corpus();
    let alone = executor(1).run(&programs).unwrap();
    let batched = executor(8).run(&programs).unwrap();
    assert!(batched.iter().any(|r| r.batched), "nothing was batched");
    for (i, (a, b)) in alone.iter().zip(&batched).enumerate() {
        assert_eq!((a.status, a.tests_passed, a.tests_total), (b.status, b.tests_passed, b.tests_total), "program {i}");
    }
}

#[test]
fn many_runs_of_one_uid_stay_within_its_process_limit() {
    // Each run's jail must be fully reaped: leftovers would count against the uid's process limit
    // (64 here) and make later runs fail to start.
    let programs: Vec<Program> = (0..150).map(|i| main_program(&format!("fn main() {{ assert_eq!({i} % 7, {}); }}\n", i % 7))).collect();
    let executor = Executor::new(ExecConfig { batch_size: 50, jobs: 1, base_uid: 63_000, ..ExecConfig::default() }).unwrap();
    let results = executor.run(&programs).unwrap();
    let not_passed: Vec<_> = results.iter().enumerate().filter(|(_, r)| r.status != Status::Passed).map(|(i, r)| (i, r.status, r.message.clone())).collect();
    assert!(not_passed.is_empty(), "{not_passed:?}");
}
