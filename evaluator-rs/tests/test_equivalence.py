"""Batched verdicts equal single-file clippy-driver verdicts, sample by sample.

Uses 150 samples of the benchmark corpus (every 4th of 600, covering every category); the whole
corpus was run once and recorded in bench/RESULTS.md.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sigil_evaluator import Evaluator


def test_batch_equals_single_file_checks(bench_modules: Path) -> None:
    import corpus  # type: ignore[import-not-found]
    import reference  # type: ignore[import-not-found]

    samples = corpus.generate(600, seed=0)[::4]
    assert {s.category.split(":")[0] for s in samples} >= {"clean", "dirty", "error", "lib", "solo"}
    got = Evaluator(compile_timeout=60, batch_size=32).check([s.source for s in samples])
    driver = reference.clippy_driver()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        want: list[dict[str, Any]] = list(pool.map(lambda s: reference.check_single(s.source, driver), samples))
    mismatches = [(s.id, s.category, reference.mismatch(g, w)) for s, g, w in zip(samples, got, want) if reference.mismatch(g, w)]
    assert not mismatches, mismatches[:5]
    # Not vacuous: the corpus has failing, clean and clippy-dirty programs.
    assert sum(not w["compiles"] for w in want) > 20
    assert sum(w["clippy_warnings"] > 0 for w in want) > 20


TRICKY = [
    # Crate-level lint attributes on what becomes a module in a batch.
    "#![deny(missing_docs)]\n//! Crate docs.\n/// Adds.\npub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\npub fn undocumented() {}\n",
    "#![warn(missing_docs)]\npub fn undocumented() {}\n",
    "#![forbid(unsafe_code)]\nfn main() {\n    let x = 1;\n    println!(\"{x}\");\n}\n",
    "#![deny(warnings)]\nfn main() {\n    let unused = 1;\n}\n",
    "#![deny(clippy::all)]\nfn main() {\n    let v = vec![1, 2];\n    println!(\"{}\", v.len());\n}\n",
    "#![allow(dead_code)]\nfn never() {}\nfn main() {}\n",
    "#![no_std]\nfn f() {}\n",
    # main that is not a plain entry point.
    "fn main() -> Result<(), String> {\n    Err(\"x\".into())\n}\n",
    "fn main() -> i32 {\n    0\n}\n",
    "async fn main() {}\n",
    "fn main<T>() {}\n",
    "fn main(x: i32) {}\n",
    "pub fn main() {\n    let s = String::from(\"a\");\n    drop(s.clone());\n}\n",
    "fn main() {\n    if false {\n        main();\n    }\n}\n",
    # Root-relative paths and macros.
    "fn helper() -> u8 {\n    1\n}\nfn main() {\n    println!(\"{}\", crate::helper());\n}\n",
    "macro_rules! sq {\n    ($x:expr) => {\n        $x * $x\n    };\n}\nfn main() {\n    println!(\"{}\", sq!(3));\n}\n",
    "#[macro_export]\nmacro_rules! m {\n    () => {\n        1\n    };\n}\nfn main() {\n    println!(\"{}\", m!());\n}\n",
    "mod inner {\n    pub fn f() -> u8 {\n        super::g()\n    }\n}\nfn g() -> u8 {\n    2\n}\nfn main() {\n    println!(\"{}\", inner::f());\n}\n",
    # Unused pub items in a bin, exported items in a lib.
    "pub struct Unused;\npub fn unused() {}\nfn main() {}\n",
    "pub struct Config {\n    pub name: String,\n}\nimpl Config {\n    pub fn new() -> Self {\n        Config { name: String::new() }\n    }\n}\n",
    "pub struct Counter {\n    n: u32,\n}\nimpl Counter {\n    pub fn new() -> Self {\n        Counter { n: 0 }\n    }\n    pub fn len(&self) -> usize {\n        self.n as usize\n    }\n}\nfn main() {\n    println!(\"{}\", Counter::new().len());\n}\n",
    "pub struct Counter {\n    n: u32,\n}\nimpl Counter {\n    pub fn new() -> Self {\n        Counter { n: 0 }\n    }\n    pub fn len(&self) -> usize {\n        self.n as usize\n    }\n}\n",
    "pub(crate) fn helper() {}\nmod private {\n    pub fn unused() {}\n}\nfn main() {}\n",
    "use std::io::{self, Read};\nfn main() -> io::Result<()> {\n    let mut s = String::new();\n    io::stdin().read_to_string(&mut s)?;\n    println!(\"{}\", s.len());\n    Ok(())\n}\n",
    # Errors that are fatal to the whole crate next to ordinary ones.
    "fn main() {\n    let x = (1, 2;\n}\n",
    "macro_rules! r {\n    () => {\n        r!()\n    };\n}\nfn main() {\n    r!();\n}\n",
    "fn main() {\n    let n: u8 = \"x\";\n}\n",
    "fn main() {\n    let a = [1, 2, 3];\n    println!(\"{}\", a[5]);\n}\n",
    # Foreign declarations that clash across samples.
    "extern \"C\" {\n    fn abs(x: i32) -> i32;\n}\nfn main() {\n    println!(\"{}\", unsafe { abs(-3) });\n}\n",
    "extern \"C\" {\n    fn abs(x: f64) -> f64;\n}\nfn main() {\n    println!(\"{}\", unsafe { abs(-3.0) });\n}\n",
    # Files relative to the sample (which do not exist in the sandbox).
    "fn main() {\n    let s = include_str!(\"input.txt\");\n    println!(\"{}\", s.len());\n}\n",
    "fn main() {\n    let s = include_bytes!(\"../data/x.bin\");\n    println!(\"{}\", s.len());\n}\n",
    "mod helpers;\nfn main() {\n    helpers::run();\n}\n",
    # Samples with their own tests and cfgs.
    "fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\nfn main() {\n    println!(\"{}\", add(1, 2));\n}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn t() {\n        assert_eq!(add(1, 1), 2);\n    }\n}\n",
    "",
    "// only a comment\n",
]


def test_tricky_samples_match_single_file_checks(bench_modules: Path) -> None:
    import reference  # type: ignore[import-not-found]

    got = Evaluator(compile_timeout=60, batch_size=32).check(TRICKY)
    driver = reference.clippy_driver()
    for src, g in zip(TRICKY, got):
        w = reference.check_single(src, driver, rustc_verdict="always")
        assert not reference.mismatch(g, w), (src, reference.mismatch(g, w))
